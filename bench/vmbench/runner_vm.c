/*
 * `vm`: the workload in lwvmm's built-in guest.
 *   lwvmm run --cpus N --mem SIZE --stats-json FILE --timeout S
 *             --workload NAME -- --threads N PARAMS...
 * The monitor process is pinned to the cell's PUs (its vCPU threads inherit
 * that), gets LWVMM_SPAWN_NS so it can report exec-to-guest time, and writes
 * its exit statistics to FILE, which we read and delete.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "runner.h"
#include "topo.h"

#define STATS_FILE ".monitor-stats.json"

char *runner_lwvmm_info(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char *bin = paths_join(ctx->tool_dir, "lwvmm");
	char *argv[] = { bin, "info", NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 20 };
	struct spawn_out out;
	char *info = NULL;
	int fd;

	if (!runner_executable(bin, why, whylen))
		goto out;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "/dev/kvm: %s", strerror(errno));
		goto out;
	}
	close(fd);
	spawn_run(&req, &out);
	if (out.exit_code == 0) {
		info = strdup(out.out ? out.out : "");
	} else {
		const char *tail = spawn_tail_lines(out.err, 1);
		snprintf(why, whylen, "lwvmm info failed (exit %d): %.*s", out.exit_code,
			 (int)strcspn(tail, "\n"), *tail ? tail : out.error);
	}
	spawn_out_free(&out);
out:
	free(bin);
	return info;
}

static int vm_available(const struct run_ctx *ctx, char *why, size_t whylen)
{
	char *info = runner_lwvmm_info(ctx, why, whylen);

	free(info);
	return info != NULL;
}

/* lwvmm's own exit statuses (64 and up), in words. */
static const char *monitor_status(int code)
{
	switch (code) {
	/* the guest's workload exits 64 on bad arguments too, and lwvmm passes it on */
	case 64: return "bad usage: the workload rejected its arguments, or lwvmm its options (exit 64)";
	case 69: return "lwvmm: this host cannot run VMs (exit 69)";
	case 70: return "lwvmm: guest fault (exit 70)";
	case 71: return "lwvmm: out of memory or resources (exit 71)";
	case 124: return "lwvmm: guest timed out (exit 124)";
	default: return NULL;
	}
}

int vm_numa_simulated(const struct cell *c)
{
	return c->numa_sim && topo_count(HWLOC_OBJ_NUMANODE) < c->numa_sim_nodes;
}

static void vm_run(const struct run_ctx *ctx, const struct run_request *req,
		   struct run_result *res)
{
	char *bin = paths_join(ctx->tool_dir, "lwvmm");
	char *stats_path = paths_join(ctx->run_dir, STATS_FILE);
	char cpus[16], timeout[16];
	char *fanout = paths_join(ctx->tool_dir, "fanout"), copies[16];
	char *argv[132];   /* 4 for fanout, 16 set here, 32 lwvmm_args at most, the workload's */
	int n = 0, many = req->cell->instances > 0;

	snprintf(cpus, sizeof(cpus), "%d", req->cell->cpus);
	snprintf(timeout, sizeof(timeout), "%d", ctx->timeout_s);
	snprintf(copies, sizeof(copies), "%d", req->cell->instances);
	if (many) {   /* "instances": N lwvmm processes under fanout; copy 0's stats are read */
		argv[n++] = fanout;
		argv[n++] = "--stats-json";
		argv[n++] = stats_path;
		argv[n++] = copies;
	}
	argv[n++] = bin;
	argv[n++] = "run";
	argv[n++] = "--cpus";
	argv[n++] = cpus;
	argv[n++] = "--mem";
	argv[n++] = (char *)req->cell->mem;
	argv[n++] = "--stats-json";
	argv[n++] = many ? "@STATS@" : stats_path;
	argv[n++] = "--timeout";
	argv[n++] = timeout;
	char disk[4200];
	if (req->cell->disk_path) {
		runner_lwvmm_disk(req->cell, disk, sizeof(disk));
		argv[n++] = "--disk";
		argv[n++] = disk;
	}
	if (req->net) {   /* net cells: a tap device in the series' network namespace */
		argv[n++] = "--net";
		argv[n++] = (char *)req->net;
	}
	for (int i = 0; i < req->cell->nlwvmm_args; i++)   /* a VM variant (suite.h) */
		argv[n++] = (char *)req->cell->lwvmm_args[i];
	if (vm_numa_simulated(req->cell)) {
		argv[n++] = "--numa-sim";
		argv[n++] = (char *)req->cell->numa_sim;
	}
	argv[n++] = "--workload";
	argv[n++] = req->workload_argv[0];
	argv[n++] = "--";
	for (int i = 1; req->workload_argv[i] && n < 131; i++)
		argv[n++] = req->workload_argv[i];
	argv[n] = NULL;

	runner_spawn_tool(ctx, req, argv, stats_path, "LWVMM_SPAWN_NS", monitor_status,
			  "monitor", res);
	free(stats_path);
	free(fanout);
	free(bin);
}

const struct runner runner_vm = {
	.name = "vm",
	.what = "lwvmm built-in guest, monitor pinned with hwloc, --mem from the cell",
	.available = vm_available,
	.run = vm_run,
};
