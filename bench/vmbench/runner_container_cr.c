/*
 * `container-cr`: checkpoint/restore of a running container with CRIU, the
 * container counterpart of a VM snapshot:
 *   ctrun checkpoint --after 500 [the `container` options] -- PROGRAM ARGS
 * The workload runs 500 ms in the container, is checkpointed (the container
 * stops), restored from the image and runs to its end; its result line and
 * correctness check are judged as in every environment, and ctrun's
 * checkpoint_ms, restore_ms, image_mib and pages_mib land in `monitor`.
 * Available only where `container` is and `criu check` passes (`ctrun
 * info` says); elsewhere (Debian 12's CRIU 3.17 on kernels >= 6.13, these
 * hosts) every cell is recorded as unavailable with the reason, CRIU's own
 * when only CRIU is missing. Net cells are not run.
 */
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "runner_container.h"

static int cr_available(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char line[512];
	int ok, status;

	/* ctrun info tells CRIU's state even when it finds no runc or crun (and
	 * then exits non-zero): without a runtime no container runs at all */
	if (!container_available(ctx, why, whylen) ||
	    ctrun_info(ctx, "checkpoint: ", line, sizeof(line), &status, why, whylen) < 0)
		return 0;
	ok = !strncmp(line, "checkpoint: available", 21);
	if (!ok)
		snprintf(why, whylen, "%s", line);
	return ok;
}

/* The program has run this long when ctrun checkpoints it: every cell of a
 * suite meant for container-cr must run longer (ctrun fails the run and
 * says so otherwise). */
#define CHECKPOINT_AFTER_MS "500"

static void cr_run(const struct run_ctx *ctx, const struct run_request *req, struct run_result *res)
{
	ctrun_cell(ctx, req, res, "checkpoint", CHECKPOINT_AFTER_MS);
}

static int cr_cell_supported(const struct cell *cell, char *why, size_t whylen)
{
	if (!cell->net && !ctrun_serves_iperf3(cell))
		return 1;
	snprintf(why, whylen, "checkpoint/restore of a container with a network (its veth and "
		 "the peer's TCP connections) is not measured");
	return 0;
}

const struct runner runner_container_cr = {
	.name = "container-cr",
	.what = "the container checkpointed with CRIU 500 ms into the run, restored, run to its "
		"end (snapshot counterpart; its score includes the pause)",
	.available = cr_available,
	.run = cr_run,
	.cell_supported = cr_cell_supported,
	.file_inside = CTRUN_FILE,
};
