#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stop_sweep.h"

sigset_t stop_signals(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	return s;
}

static long long monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int stop_wait_child(pid_t pid, int *stopped_by)
{
	sigset_t waits = stop_signals();
	struct timespec tick = { 0, 100000000L };
	long long kill_at = 0;
	int status;

	sigaddset(&waits, SIGCHLD);
	if (*stopped_by) {
		kill(pid, SIGTERM);
		kill_at = monotonic_ns() + STOP_KILL_AFTER_NS;
	}
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			return -1;
		int sig = sigtimedwait(&waits, NULL, &tick);
		if (sig > 0 && sig != SIGCHLD && !*stopped_by) {
			*stopped_by = sig;
			kill(pid, SIGTERM);
			kill_at = monotonic_ns() + STOP_KILL_AFTER_NS;
		}
		if (kill_at && monotonic_ns() >= kill_at)
			kill(pid, SIGKILL);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *stop_tmp_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && *tmp ? tmp : "/tmp";
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;   /* go on past what cannot be removed */
}

void stop_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int stop_sweep_dead(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = strlen(prefix);
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *end, *path;
		long pid;

		if (strncmp(e->d_name, prefix, len))
			continue;
		pid = strtol(e->d_name + len, &end, 10);
		if (*end != '-' || pid <= 0 || pid == getpid())
			continue;
		if (!(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			break;
		stop_remove_tree(path);
		free(path);
		n++;
	}
	closedir(d);
	return n;
}
