/*
 * `container-cr`: checkpoint/restore of a running container with CRIU, the
 * container counterpart of a VM snapshot. Available only where `criu check`
 * passes (`ctrun checkpoint` decides); elsewhere every cell is recorded as
 * unavailable with CRIU's own reason. On the development hosts it never
 * passes (Debian 12's CRIU 3.17 on kernels >= 6.13), so the measurement
 * itself has not been written: where CRIU works the run fails and says so,
 * rather than making a figure up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "runner.h"

static int cr_available(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char *bin = paths_join(ctx->tool_dir, "ctrun");
	char *argv[] = { bin, "info", NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 60 };
	struct spawn_out out;
	int ok = 0;

	if (runner_executable(bin, why, whylen)) {
		spawn_run(&req, &out);
		const char *line = strstr(out.out, "checkpoint: ");
		ok = line && !strncmp(line, "checkpoint: available", 21);
		if (!ok)
			snprintf(why, whylen, "%.*s", line ? (int)strcspn(line, "\n") : 200,
				 line ? line : out.err);
		spawn_out_free(&out);
	}
	free(bin);
	return ok;
}

static void cr_run(const struct run_ctx *ctx, const struct run_request *req, struct run_result *res)
{
	(void)ctx;
	(void)req;
	snprintf(res->error, sizeof(res->error),
		 "CRIU works here, but checkpoint/restore timing is not implemented yet");
}

const struct runner runner_container_cr = {
	.name = "container-cr",
	.what = "checkpoint and restore of the running container with CRIU (snapshot counterpart)",
	.available = cr_available,
	.run = cr_run,
};
