/*
 * A suite: which workloads, with which parameters, limits and environments,
 * how many repetitions. Read from a JSON file in bench/suites/:
 *   {"name": "quick", "description": "...", "reps": 5, "warmup": 1,
 *    "timeout_s": 300, "envs": ["native", "vm"],
 *    "cells": [{"workload": "cpu", "params": ["--size", "256"], "cpus": 1,
 *               "mem": "512M", "envs": ["vm"]}]}
 * A cell may add "disk": "1G" (a backing file for io and dataset) or "net": true (a peer
 * for the net workload, and a network for the VM: netcell.h). With a disk,
 * "disk_opts": "ro" or "ro,share" is what the VM's --disk gets after the
 * file instead of ",direct" (share: Disco's global buffer cache); its label
 * names it.
 * A cell may add "instances": N (1 to 64; native and vm only): N copies of
 * the run at once under build/bin/fanout, their Pss summed (pss_total_kib),
 * their scores summed; the label ends in " [instances N]".
 * A cell may add "lwvmm_args": ["--numa", "spread", ...]: options for lwvmm
 * run before --workload (a VM variant; the cell then runs in env vm alone,
 * and its label and report heading name them), and with them "numa_sim":
 * "nodes=N[,...]": where the host has fewer than N NUMA nodes, vmbench adds
 * --numa-sim with this spec (simulated nodes), else the nodes are real.
 * Only name and cells are required; a cell's envs replace the suite's.
 */
#ifndef VMBENCH_SUITE_H
#define VMBENCH_SUITE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct cell {
	const char *workload;
	const char **params;     /* the workload's arguments, NULL-terminated */
	int nparams;
	int cpus;
	const char *mem;         /* as written, e.g. "512M" */
	uint64_t mem_bytes;
	const char **envs;       /* NULL-terminated: the cell's or the suite's */
	char *label;             /* "cpu --size 256", for humans */
	const char *disk;        /* io cells: size of the backing file, e.g. "1G", or NULL */
	uint64_t disk_bytes;
	const char *disk_opts;   /* "ro" or "ro,share" for the VM's --disk, or NULL */
	char *disk_path;         /* set by the harness (malloc'd): the file every environment uses */
	int disk_direct;         /* set by the harness: O_DIRECT works on it (else buffered I/O everywhere) */
	int net;                 /* net cells: the harness starts a peer (netcell.h) */
	const char **lwvmm_args; /* NULL-terminated extra lwvmm run options (vm only), or NULL */
	int nlwvmm_args;
	int instances;           /* copies run at once under bench/vmbench/fanout (native and vm only), or 0: no fanout */
	const char *numa_sim;    /* --numa-sim spec where the host has fewer nodes, or NULL */
	int numa_sim_nodes;      /* its nodes=N */
};

struct suite {
	const char *name;
	const char *description;
	char *path;
	int reps, warmup, timeout_s;
	struct cell *cells;
	int ncells;
	json_t *doc;             /* owns every string above */
};

int suite_load(const char *path, struct suite *s, char *err, size_t errlen);
void suite_free(struct suite *s);

/*
 * Keep only the cells of the workloads named in `list` ("mem,memlat"; empty
 * names are skipped, as in --envs), in the suite's order. -1 with err when a name matches no cell of the suite
 * (err then lists the suite's workloads).
 */
int suite_keep_workloads(struct suite *s, const char *list, char *err, size_t errlen);


#endif
