/* What the two container runners share: one cell through build/bin/ctrun. */
#ifndef VMBENCH_RUNNER_CONTAINER_H
#define VMBENCH_RUNNER_CONTAINER_H

#include "runner.h"

/* `ctrun COMMAND [--after MS] --cpus N --cpuset PUS --mem SIZE ... -- PROGRAM ARGS`;
 * ctrun's --stats-json lands in res->monitor. */
void ctrun_cell(const struct run_ctx *ctx, const struct run_request *req,
		struct run_result *res, const char *command, const char *after_ms);

#endif
