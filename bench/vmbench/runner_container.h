/* What the two container runners share: one cell through build/bin/ctrun. */
#ifndef VMBENCH_RUNNER_CONTAINER_H
#define VMBENCH_RUNNER_CONTAINER_H

#include "runner.h"

/* Where ctrun binds its --file (the io cell's backing file) inside the
 * container: CT_FILE in baselines/containers/ctrun.h. */
#define CTRUN_FILE "/scratch/file"

/* `ctrun info` (run once, then remembered): its exit status and its line
 * starting with key; -1 with why when build/bin/ctrun is missing. */
int ctrun_info(const struct run_ctx *ctx, const char *key, char *line, size_t linelen,
	       int *exit_code, char *why, size_t whylen);

/* 1 when `ctrun info` exits 0 (it found runc or crun); else 0 with why. */
int container_available(const struct run_ctx *ctx, char *why, size_t whylen);

/* `ctrun COMMAND [--after MS] --cpus N --cpuset PUS --mem SIZE ... -- PROGRAM ARGS`;
 * ctrun's --stats-json lands in res->monitor. */
void ctrun_cell(const struct run_ctx *ctx, const struct run_request *req,
		struct run_result *res, const char *command, const char *after_ms);

/* 1 for iperf3 cells: ctrun serves iperf3 in the container's network
 * (--iperf3-server), so they have a network even without "net". */
int ctrun_serves_iperf3(const struct cell *cell);

#endif
