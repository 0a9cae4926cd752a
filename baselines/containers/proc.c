/*
 * Helper commands (ip, runc kill/delete, ldd): fork, exec, wait. ctrun
 * keeps SIGINT/SIGTERM blocked all the time and reads them synchronously,
 * so children get an empty signal mask before exec. The clean-up helpers
 * (proc_run_quiet: runc kill and delete, ip del) get PROC_QUIET_BOUND_NS and
 * are then killed: a hung runtime must not hold ctrun's exit forever.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctrun.h"

#define PROC_QUIET_BOUND_NS 10000000000ULL /* 10 s for a clean-up helper */

uint64_t ct_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int proc_exit_status(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return proc_exit_status(status);
}

/* Milliseconds until deadline (0: none) for poll(), at least 1 while it is ahead. */
static int ms_until(uint64_t deadline)
{
	uint64_t now = ct_now_ns();

	if (!deadline)
		return -1;
	return now >= deadline ? 0 : (int)((deadline - now) / 1000000ULL) + 1;
}

/* Run argv, its output in out; past deadline (0: none) it is killed. */
static int run_until(char *const *argv, char *out, size_t outlen, uint64_t deadline)
{
	int fds[2];
	size_t len = 0;
	pid_t pid;

	if (outlen)
		out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		int null_fd = open("/dev/null", O_RDONLY);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(null_fd, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		char chunk[1024];
		int ready = poll(&p, 1, ms_until(deadline));

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			fprintf(stderr, "ctrun: %s %s took longer than %llu s; killed it\n", argv[0],
				argv[1] ? argv[1] : "", PROC_QUIET_BOUND_NS / 1000000000ULL);
			kill(pid, SIGKILL);
			break;
		}
		ssize_t n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (outlen && len < outlen - 1) {
			size_t take = (size_t)n < outlen - 1 - len ? (size_t)n : outlen - 1 - len;
			memcpy(out + len, chunk, take);
			len += take;
			out[len] = '\0';
		}
	}
	close(fds[0]);
	return wait_status(pid);
}

int proc_run(char *const *argv, char *out, size_t outlen)
{
	return run_until(argv, out, outlen, 0);
}

int proc_run_quiet(char *const *argv)
{
	return run_until(argv, NULL, 0, ct_now_ns() + PROC_QUIET_BOUND_NS);
}
