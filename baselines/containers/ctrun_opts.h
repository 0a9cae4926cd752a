/* ctrun's command line, shared by its commands. */
#ifndef CTRUN_OPTS_H
#define CTRUN_OPTS_H

#include <stdint.h>

struct ct_opts {
	int cpus;                  /* 0: the cpuset's size */
	char cpuset[256];          /* "": our own affinity's first `cpus` CPUs */
	uint64_t mem_bytes;
	int pids;
	int net;
	int iperf3_port;           /* 0: no host-side iperf3 server */
	int timeout_s;
	const char *runtime;       /* auto | runc | crun */
	const char *cache_dir;
	const char *stats_json;
	const char *out;           /* bundle: where to write it */
	const char *file;          /* --file PATH: a host file bound at /scratch/file (a disk image) */
	int after_ms;              /* checkpoint: how long the program runs before it */
	char **argv;               /* after -- */
};

int opts_parse(int argc, char **argv, struct ct_opts *o);
int opts_resolve_cpus(struct ct_opts *o, char *err, size_t errlen);
int ctrun_run(const struct ct_opts *o, const char *tool_dir);
int ctrun_bundle(const struct ct_opts *o, const char *tool_dir);
int ctrun_checkpoint(const struct ct_opts *o, const char *tool_dir);

#endif
