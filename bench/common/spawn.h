/*
 * Running one child program the way a measurement needs it: in its own
 * process group, pinned before exec, stdin from /dev/null, stdout and
 * stderr captured, wall time from CLOCK_MONOTONIC around fork..wait, CPU
 * time and peak memory from wait4()'s rusage, a timeout, and Ctrl-C
 * handling. Nothing the child started survives spawn_run().
 */
#ifndef VMBENCH_SPAWN_H
#define VMBENCH_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <hwloc.h>

struct spawn_req {
	char *const *argv;             /* argv[0] is a path */
	const char *const *env_add;    /* "KEY=VALUE" strings, NULL-terminated, or NULL */
	const char *spawn_ns_var;      /* if set, this variable gets the fork time in ns */
	hwloc_topology_t topo;         /* with cpuset: pin the child there */
	hwloc_const_cpuset_t cpuset;
	int timeout_s;                 /* 0 = none */
	const char *cwd;               /* run there, or NULL */
};

struct spawn_out {
	int started;        /* the child was forked and exec'd */
	int exit_code;      /* exit status, or -1 when killed by a signal */
	int term_signal;    /* the signal that ended it, or 0 */
	int timed_out;      /* we killed it at the timeout */
	int interrupted;    /* we killed it because vmbench got SIGINT/SIGTERM */
	double wall_s, cpu_s;
	long max_rss_kib;
	char *out;          /* stdout (its last MiB if longer), NUL-terminated */
	char *err;          /* the tail of stderr, NUL-terminated */
	char error[256];    /* why the child could not be started */
};

int spawn_run(const struct spawn_req *req, struct spawn_out *out);
void spawn_out_free(struct spawn_out *out);

/* Start of the last `lines` lines of text (a pointer into it). */
const char *spawn_tail_lines(const char *text, int lines);

/* SIGINT, SIGTERM and SIGHUP set a flag and end the running child. */
void spawn_catch_signals(void);
int spawn_interrupted(void); /* the signal number, or 0 */

uint64_t spawn_now_ns(void);

/*
 * While spawn_run() waits for a child, call tick(arg, seconds since it
 * started) every interval_s seconds (vmbench's progress during a long run);
 * tick NULL turns it off. The child is not affected.
 */
void spawn_set_tick(void (*tick)(void *arg, double running_s), void *arg, int interval_s);

#endif
