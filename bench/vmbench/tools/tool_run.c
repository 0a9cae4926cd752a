/*
 * Running a tool with its stdout in a file, and reading files back.
 * vmbench-tool holds SIGINT, SIGTERM and SIGHUP blocked (tool_hold_signals)
 * and takes them while a tool runs: the tool gets SIGTERM (fio and
 * stress-ng stop their workers on it), SIGKILL a second later, is reaped,
 * and tool_stop_signal() tells main to remove its files and exit 128+N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stop_sweep.h"
#include "tool.h"

static int stopped_by;               /* the first stop signal taken, or 0 */
static sigset_t unheld_mask;         /* the mask before tool_hold_signals() */

void tool_hold_signals(void)
{
	sigset_t held = stop_signals();

	sigaddset(&held, SIGCHLD);
	sigprocmask(SIG_BLOCK, &held, &unheld_mask);
}

void tool_child_signals(void)
{
	sigset_t held = stop_signals();

	sigaddset(&held, SIGCHLD);
	sigprocmask(SIG_SETMASK, &unheld_mask, NULL);
	sigprocmask(SIG_UNBLOCK, &held, NULL);
}

int tool_stop_signal(void)
{
	sigset_t s = stop_signals();
	struct timespec zero = { 0, 0 };
	int sig;

	if (!stopped_by && (sig = sigtimedwait(&s, NULL, &zero)) > 0)
		stopped_by = sig;
	return stopped_by;
}

/* Until pid exits; a stop signal ends it (SIGTERM, then SIGKILL). */
static int wait_tool(pid_t pid)
{
	return stop_wait_child(pid, &stopped_by);
}

int tool_exec(char *const *argv, const char *stdout_file, int quiet)
{
	pid_t parent = getpid(), pid;

	if (tool_stop_signal())
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a SIGKILLed vmbench-tool takes it along */
		if (getppid() != parent)
			_exit(127);
		tool_child_signals();
		int fd = stdout_file ? open(stdout_file, O_WRONLY | O_CREAT | O_TRUNC, 0644) :
			 quiet ? open("/dev/null", O_WRONLY) : 1;
		if (fd < 0 || (fd != 1 && dup2(fd, 1) < 0))
			_exit(127);
		if (quiet) {
			int null_fd = open("/dev/null", O_WRONLY);
			dup2(null_fd, 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "vmbench-tool: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return wait_tool(pid);
}

char *tool_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *grown = realloc(buf, cap = cap * 2 + 8192);
			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}
