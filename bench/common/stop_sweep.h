/*
 * What a program that runs a helper tool (fio, stress-ng, iperf3) needs so
 * that nothing outlives it: the stop signals it holds and takes itself, a
 * wait that passes a stop on to the tool (SIGTERM, then SIGKILL), and the
 * sweep of temporary entries whose owner was killed before it could clean
 * up. Used by the native io workload, vmbench-tool and `vmbench gc`.
 */
#ifndef BENCH_STOP_SWEEP_H
#define BENCH_STOP_SWEEP_H

#include <signal.h>
#include <sys/types.h>

#define STOP_KILL_AFTER_NS 1000000000LL   /* SIGTERM to the tool, then SIGKILL this much later */

/* SIGINT, SIGTERM and SIGHUP: what ends a run early. */
sigset_t stop_signals(void);

/*
 * Waits until `pid` exits. The caller holds the stop signals and SIGCHLD
 * blocked; a stop signal taken here (or one already in *stopped_by) sends
 * the child SIGTERM, then SIGKILL after STOP_KILL_AFTER_NS, and is kept in
 * *stopped_by. Returns the exit status, 128 + the signal that killed it, or
 * -1 when waitpid fails.
 */
int stop_wait_child(pid_t pid, int *stopped_by);

/* $TMPDIR, or /tmp. */
const char *stop_tmp_dir(void);

/* Removes a file or a whole tree, going on past what cannot be removed. */
void stop_remove_tree(const char *path);

/*
 * Removes the entries of `dir` named PREFIX<pid>-... (files or trees) whose
 * process is gone, never the caller's own; returns how many went.
 */
int stop_sweep_dead(const char *dir, const char *prefix);

#endif
