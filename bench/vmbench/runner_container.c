/*
 * `container`: the workload in an OCI container, through build/bin/ctrun
 * (baselines/containers/):
 *   ctrun run --cpus N --cpuset PUS --mem SIZE --stats-json FILE --timeout S
 *             [--iperf3-server PORT] -- PROGRAM NAME ARGS...
 * Resource parity with the VM of the same cell: the same CPU count, the
 * same PUs (as a cpuset) and the cell's memory as the memory limit. ctrun's
 * statistics (runtime and version, startup_ms, the limits) land in the
 * record's `monitor` object, as lwvmm's do for `vm`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "runner.h"
#include "runner_container.h"
#include "tools.h"

#define STATS_FILE ".ctrun-stats.json"
#define IPERF3_PORT "5299"

/*
 * `ctrun info`, run once per vmbench (it runs `criu check` and the runtime's
 * --version) and kept for both container runners: its exit status in
 * *exit_code, and the line starting with `key` (or ctrun's stderr) in line.
 * 0, or -1 with why when ctrun is missing.
 */
int ctrun_info(const struct run_ctx *ctx, const char *key, char *line, size_t linelen,
	       int *exit_code, char *why, size_t whylen)
{
	static int ran, status;
	static char out[4096], err[1024];

	if (!ran) {
		char *bin = paths_join(ctx->tool_dir, "ctrun");
		char *argv[] = { bin, "info", NULL };
		struct spawn_req req = { .argv = argv, .timeout_s = 60 };
		struct spawn_out o;

		if (!runner_executable(bin, why, whylen)) {
			free(bin);
			return -1;
		}
		spawn_run(&req, &o);
		status = o.exit_code;
		snprintf(out, sizeof(out), "%s", o.out ? o.out : "");
		snprintf(err, sizeof(err), "%s", o.err && *o.err ? o.err : o.error);
		spawn_out_free(&o);
		free(bin);
		ran = 1;
	}
	const char *l = strstr(out, key);
	snprintf(line, linelen, "%.*s", l ? (int)strcspn(l, "\n") : 200, l ? l : err);
	*exit_code = status;
	return 0;
}

int container_available(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char line[512];
	int status;

	if (ctrun_info(ctx, "runtime: ", line, sizeof(line), &status, why, whylen) < 0)
		return 0;
	if (status != 0)
		snprintf(why, whylen, "ctrun info (exit %d): %s", status, line);
	return status == 0;
}

static const char *ctrun_status(int code)
{
	switch (code) {
	case 64: return "ctrun: bad usage (exit 64)";
	case 69: return "ctrun: no OCI runtime or no permission (exit 69)";
	case 70: return "ctrun: the container could not be set up or started (exit 70)";
	case 71: return "ctrun: too few open files allowed (exit 71)";
	case 124: return "ctrun: timed out (exit 124)";
	case 129: return "ctrun: ended by SIGHUP (exit 129)";
	case 130: return "ctrun: interrupted (exit 130)";
	case 143: return "ctrun: ended by SIGTERM (exit 143)";
	default: return NULL;
	}
}

int ctrun_serves_iperf3(const struct cell *cell)
{
	return !strcmp(cell->workload, "iperf3");
}

void ctrun_cell(const struct run_ctx *ctx, const struct run_request *req,
		struct run_result *res, const char *command, const char *after_ms)
{
	char *bin = paths_join(ctx->tool_dir, "ctrun");
	char *stats_path = paths_join(ctx->run_dir, STATS_FILE);
	char cpus[16], timeout[16], cpuset[256];
	char *argv[80];
	int n = 0;

	snprintf(cpus, sizeof(cpus), "%d", req->cell->cpus);
	snprintf(timeout, sizeof(timeout), "%d", ctx->timeout_s);
	hwloc_bitmap_list_snprintf(cpuset, sizeof(cpuset), req->pus);
	argv[n++] = bin;
	argv[n++] = (char *)command;
	if (after_ms) {
		argv[n++] = "--after";
		argv[n++] = (char *)after_ms;
	}
	argv[n++] = "--cpus";
	argv[n++] = cpus;
	argv[n++] = "--cpuset";
	argv[n++] = cpuset;
	argv[n++] = "--mem";
	argv[n++] = (char *)req->cell->mem;
	argv[n++] = "--stats-json";
	argv[n++] = stats_path;
	argv[n++] = "--timeout";
	argv[n++] = timeout;
	if (req->cell->net)
		argv[n++] = "--net";
	if (ctrun_serves_iperf3(req->cell)) {
		argv[n++] = "--iperf3-server";
		argv[n++] = IPERF3_PORT;
	}
	if (req->cell->disk_path) {   /* the io cell's backing file, the one fio uses natively */
		argv[n++] = "--file";
		argv[n++] = req->cell->disk_path;
	}
	argv[n++] = "--";
	argv[n++] = (char *)tools_program(req->workload_argv[0]);
	for (int i = 0; req->workload_argv[i] && n < 79; i++)
		argv[n++] = req->workload_argv[i];
	argv[n] = NULL;

	runner_spawn_tool(ctx, req, argv, stats_path, NULL, ctrun_status, "ctrun", res);
	free(stats_path);
	free(bin);
}

static void container_run(const struct run_ctx *ctx, const struct run_request *req,
			  struct run_result *res)
{
	ctrun_cell(ctx, req, res, "run", NULL);
}

const struct runner runner_container = {
	.name = "container",
	.what = "OCI container (ctrun: runc, or crun on cgroup v2) with the VM's cpuset and "
		"memory limit",
	.available = container_available,
	.run = container_run,
	.file_inside = CTRUN_FILE,
};
