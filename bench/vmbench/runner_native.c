/* `native`: the workload as a plain child process, pinned, with no limits. */
#include <stdio.h>
#include <stdlib.h>

#include "paths.h"
#include "runner.h"
#include "tools.h"
#include "topo.h"

static int native_available(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char *bin = paths_join(ctx->tool_dir, "workload");
	int ok = runner_executable(bin, why, whylen);

	free(bin);
	return ok;
}

static void native_run(const struct run_ctx *ctx, const struct run_request *req,
		       struct run_result *res)
{
	char *bin = paths_join(ctx->tool_dir, tools_program(req->workload_argv[0]));
	int n = 0;

	while (req->workload_argv[n])
		n++;
	/* "instances": N copies at once under fanout, which sums their Pss */
	char *fanout = paths_join(ctx->tool_dir, "fanout"), copies[16];
	int pre = req->cell->instances ? 2 : 0;
	char *argv[n + 4];
	snprintf(copies, sizeof(copies), "%d", req->cell->instances);
	argv[0] = fanout;
	argv[1] = copies;
	argv[pre] = bin;
	for (int i = 0; i <= n; i++)
		argv[pre + i + 1] = req->workload_argv[i];

	struct spawn_req spawn = {
		.argv = argv,
		.topo = topo_get(),
		.cpuset = req->pus,
		.timeout_s = ctx->timeout_s,
	};
	spawn_run(&spawn, &res->proc);
	res->mem = NULL;
	free(fanout);
	free(bin);
}

const struct runner runner_native = {
	.name = "native",
	.what = "plain child process, pinned with hwloc, no memory limit",
	.available = native_available,
	.run = native_run,
};
