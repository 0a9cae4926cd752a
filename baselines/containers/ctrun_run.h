/*
 * The steps of one container's life, shared by `ctrun run` (ctrun_run.c)
 * and `ctrun checkpoint` (checkpoint.c): prepare the bundle, start the
 * runtime, kill, tear down, report. Everything is named after ctrun's pid,
 * so cleanup_id() can always find it.
 */
#ifndef CTRUN_RUN_H
#define CTRUN_RUN_H

#include <signal.h>
#include <sys/types.h>

#include "ctrun.h"
#include "ctrun_opts.h"

struct ct_run {
	const struct ct_opts *o;
	struct ct_runtime rt;
	struct ct_net net;
	char id[32], bundle[PATH_MAX], scratch[PATH_MAX + 16];
	char *rootfs;
	int rootfs_cached;
	pid_t server;            /* host-side iperf3 server, or 0 */
	int stamp_fd;            /* read end of the startup pipe */
	uint64_t t_main, t_runtime, t_stamp, t_end;
	uint64_t deadline;       /* t_runtime + --timeout, or 0 */
	int status, interrupted, timed_out, started;
	int stop_requests;       /* stop signals taken, and the deadline once passed */
	int stop_step, stop_seen; /* ct_stop_runtime(): the step done, stop_requests then */
	uint64_t stop_at;        /* when that step was taken */
	json_t *extra;           /* more figures for --stats-json (owned), or NULL */
};

/* Ids, bundle directory ($TMPDIR/vmbench-ct-PID) and clocks of a new run. */
void ct_run_init(struct ct_run *r, const struct ct_opts *o);
/* Runtime, rootfs, bundle directory and config.json. 0, or an exit status. */
int ct_prepare(struct ct_run *r, const char *tool_dir);

/* SIGINT, SIGTERM, SIGHUP and SIGCHLD: kept blocked, taken with sigtimedwait(). */
sigset_t ct_stop_signals(void);
/* A stop signal already pending (taken), or 0. */
int ct_pending_stop(void);
/* Wait up to ns for a signal (a child's exit ends it early); notes SIGINT,
 * SIGTERM or SIGHUP in r->interrupted and a passed deadline in r->timed_out.
 * 1 when the run must stop. */
int ct_tick(struct ct_run *r, long ns);

/* 0, or CT_EXIT_RESOURCES with a message: the runtime needs an open-files
 * hard limit of at least CT_NOFILE (with fewer, runc hangs or fails). */
int ct_check_nofile(void);

/* fork+exec with an empty signal mask, dying with ctrun; stamp_w (if >= 0) as fd 3. */
pid_t ct_start_child(char *const *argv, int stamp_w);
/* `RUNTIME run --bundle B --preserve-fds 1 ID`, the stamp pipe's read end in
 * r->stamp_fd, --timeout's deadline in r->deadline; the runtime's pid, or -1. */
pid_t ct_start_runtime(struct ct_run *r);
void ct_kill_container(struct ct_run *r);
/*
 * One step of ending the runtime, called on every tick once the run must stop;
 * each step acts once: `RUNTIME kill ID KILL`; CT_GRACE_NS later (or at the
 * next stop signal) SIGKILL to the container's processes (its cgroup) and to
 * the runtime itself; CT_GIVE_UP_NS after that, 1: stop waiting for it.
 */
#define CT_GRACE_NS   1000000000ULL  /* 1 s: vmbench's own grace for ctrun is 2 s */
#define CT_GIVE_UP_NS 5000000000ULL
int ct_stop_runtime(struct ct_run *r, pid_t runtime);
/* Wait for the runtime to exit, ending it (ct_stop_runtime) on a stop signal,
 * the deadline, or at once with force; its exit status, or CT_EXIT_FAILED
 * when it had to be left behind. */
int ct_wait_runtime(struct ct_run *r, pid_t runtime, int force);
/* Read the container's start stamp, if it came (never blocks). */
void ct_read_stamp(struct ct_run *r);

/* Remove the container, cgroups, network namespace and bundle. */
void ct_teardown(struct ct_run *r);
/* The final exit status; writes --stats-json. */
int ct_finish(struct ct_run *r, int rc);

#endif
