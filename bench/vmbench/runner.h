/*
 * The runner interface: one struct per environment a workload can run in.
 *
 * Adding an environment (say `container`) takes one file and one line:
 * write runner_container.c defining `const struct runner runner_container`
 * with name, available() and run(), and add &runner_container to the table
 * in runners.c. build.mk compiles every .c file here; the harness (run.c),
 * the results and the report know environments only by name.
 *
 * A runner starts the workload and fills in how the process went; the
 * harness then parses the result line, judges ok and writes the record.
 */
#ifndef VMBENCH_RUNNER_H
#define VMBENCH_RUNNER_H

#include <stddef.h>
#include <jansson.h>
#include <hwloc.h>

#include "spawn.h"
#include "suite.h"

/* What every runner may use; set up once per `vmbench run`. */
struct run_ctx {
	const char *tool_dir;    /* build/bin: workload, lwvmm */
	const char *run_dir;     /* results/<run-id>, for scratch files */
	int timeout_s;           /* per run */
};

/* One run of one cell. */
struct run_request {
	const struct cell *cell;
	int rep;                 /* 1-based, counting warm-ups and measured runs separately */
	int warmup;
	hwloc_const_cpuset_t pus; /* the cell's first N PUs: pin the child here */
	char *const *workload_argv; /* NAME --threads N PARAMS..., NULL-terminated */
	const char *net;         /* net cells in a VM: lwvmm's --net value, else NULL */
};

struct run_result {
	struct spawn_out proc;   /* exit status, times, rusage, output */
	const char *mem;         /* the memory limit applied, or NULL for none */
	json_t *monitor;         /* a VM monitor's statistics (owned), or NULL */
	char error[512];         /* a runner-specific reason the run failed */
};

struct runner {
	const char *name;
	const char *what;        /* one line for the report */
	/* 1 when it can run here; else 0 and the reason in why. */
	int (*available)(const struct run_ctx *ctx, char *why, size_t whylen);
	void (*run)(const struct run_ctx *ctx, const struct run_request *req,
		    struct run_result *res);
	/* Optional: 0 (and why) for a cell this environment cannot run, which
	 * is then recorded as unavailable; NULL means every cell. */
	int (*cell_supported)(const struct cell *cell, char *why, size_t whylen);
	/* Optional: the path the workload sees the cell's backing file at (its
	 * --file); NULL means the host path, cell->disk_path. */
	const char *file_inside;
};

/* NULL-terminated, in the order environments run within a cell (native first). */
extern const struct runner *const runners[];
const struct runner *runner_find(const char *name);

/*
 * 1 when a cell's VM runs on a simulated topology: it has a numa_sim spec
 * (suite.h) and the host has fewer NUMA nodes than the spec names.
 */
int vm_numa_simulated(const struct cell *c);

/* Helpers shared by runners. */
int runner_executable(const char *path, char *why, size_t whylen);
/* `lwvmm info`'s output (malloc'd) when lwvmm and /dev/kvm are usable; else NULL with why. */
/*
 * lwvmm's --disk for the cell's backing file in buf: FILE, with ",direct"
 * (O_DIRECT, as fio's --direct=1 natively) where the harness found it works,
 * or the cell's disk_opts.
 */
void runner_lwvmm_disk(const struct cell *c, char *buf, size_t len);
char *runner_lwvmm_info(const struct run_ctx *ctx, char *why, size_t whylen);

/*
 * Runs a tool that enforces the timeout itself and writes its statistics as
 * a JSON object to stats_path (lwvmm, ctrun): pinned to the request's PUs,
 * with a backstop timeout 10 s past the tool's own, spawn_ns_var (or NULL)
 * naming the variable that carries the spawn time. The statistics go to
 * res->monitor; res->error gets status_text(exit status) when the tool names
 * its failure so, or "no NAME statistics: ..." when it exited 0 without them.
 */
void runner_spawn_tool(const struct run_ctx *ctx, const struct run_request *req,
		       char **argv, const char *stats_path, const char *spawn_ns_var,
		       const char *(*status_text)(int exit_code), const char *name,
		       struct run_result *res);

#endif
