/*
 * fork/exec/pin/capture/timeout/wait for one measured run.
 *
 * The child leads its own process group, so a terminal's Ctrl-C reaches only
 * vmbench, which then ends the whole group on purpose. The exit is noticed
 * through a pidfd without reaping (waitid WNOWAIT): while the zombie leader
 * exists its group id cannot be reused, so killing the group afterwards
 * cannot hit a stranger. Only then does wait4() reap it and collect rusage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

#define OUT_LIMIT   (1 << 20)
#define ERR_LIMIT   (16 << 10)
#define GRACE_NS    2000000000ULL /* SIGTERM, then SIGKILL after this */
#define DRAIN_NS    2000000000ULL /* how long to wait for pipes after exit */

static volatile sig_atomic_t caught_signal;

static struct {
	void (*fn)(void *arg, double running_s);
	void *arg;
	uint64_t interval_ns;
} tick;

void spawn_set_tick(void (*fn)(void *arg, double running_s), void *arg, int interval_s)
{
	tick.fn = interval_s > 0 ? fn : NULL;
	tick.arg = arg;
	tick.interval_ns = (uint64_t)(interval_s > 0 ? interval_s : 0) * 1000000000ULL;
}

static void on_signal(int sig)
{
	caught_signal = sig;
}

void spawn_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() must see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int spawn_interrupted(void)
{
	return caught_signal;
}

uint64_t spawn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A growing buffer that keeps only the newest `limit` bytes. */
struct capture {
	char *data;
	size_t len, limit;
	int fd;
};

static void capture_read(struct capture *c)
{
	char chunk[8192];
	ssize_t n = read(c->fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(c->fd);
		c->fd = -1;
		return;
	}
	if (c->len + (size_t)n > c->limit) {
		size_t drop = c->len + (size_t)n - c->limit;
		if (drop > c->len)
			drop = c->len;
		memmove(c->data, c->data + drop, c->len - drop);
		c->len -= drop;
	}
	char *grown = realloc(c->data, c->len + (size_t)n + 1);
	if (!grown)
		return; /* keep what we have; the run will fail to parse */
	c->data = grown;
	memcpy(c->data + c->len, chunk, (size_t)n);
	c->len += (size_t)n;
	c->data[c->len] = '\0';
}

static char *capture_take(struct capture *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (!c->data)
		return strdup("");
	return c->data;
}

static void child_exec(const struct spawn_req *req, int out_fd, int err_fd,
		       int report_fd, uint64_t fork_ns, pid_t parent)
{
	struct sigaction dfl;
	sigset_t none;
	int null_fd = open("/dev/null", O_RDONLY);
	int e;

	/* A SIGKILLed vmbench ends its child as a Ctrl-C would, so that the child
	 * cleans up (ctrun its container, workload io its fio files). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	setpgid(0, 0);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(err_fd, 2) < 0)
		goto fail;
	if (req->cpuset && hwloc_set_cpubind(req->topo, req->cpuset,
					     HWLOC_CPUBIND_PROCESS) < 0)
		goto fail;
	if (req->cwd && chdir(req->cwd) < 0)
		goto fail;
	for (const char *const *v = req->env_add; v && *v; v++)
		if (putenv((char *)*v) < 0)
			goto fail;
	if (req->spawn_ns_var) {
		char ns[32];
		snprintf(ns, sizeof(ns), "%llu", (unsigned long long)fork_ns);
		if (setenv(req->spawn_ns_var, ns, 1) < 0)
			goto fail;
	}
	execv(req->argv[0], req->argv);
fail:
	e = errno;
	if (write(report_fd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int child_has_exited(pid_t pid)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return info.si_pid == pid;
}

/* Read both pipes until the child is gone and they are drained or dead. */
static void supervise(pid_t pid, const struct spawn_req *req,
		      struct capture *cap, struct spawn_out *out,
		      uint64_t start_ns, uint64_t *end_ns)
{
	int pidfd = pidfd_open_compat(pid);
	uint64_t deadline = req->timeout_s > 0 ?
		start_ns + (uint64_t)req->timeout_s * 1000000000ULL : 0;
	uint64_t kill_at = 0, drain_until = 0;
	uint64_t next_tick = tick.fn ? start_ns + tick.interval_ns : 0;
	int exited = 0;

	for (;;) {
		struct pollfd pfd[3];
		int nfds = 0, wait_ms = -1;
		uint64_t now = spawn_now_ns();

		if (!exited && next_tick && now >= next_tick) {
			tick.fn(tick.arg, (double)(now - start_ns) / 1e9);
			next_tick += tick.interval_ns;
		}
		if (!exited && spawn_interrupted() && !out->interrupted) {
			out->interrupted = 1;
			kill(-pid, SIGTERM);
			kill_at = now + GRACE_NS;
		}
		if (!exited && deadline && now >= deadline && !out->timed_out &&
		    !out->interrupted) {
			out->timed_out = 1;
			kill(-pid, SIGTERM);
			kill_at = now + GRACE_NS;
		}
		if (!exited && kill_at && now >= kill_at)
			kill(-pid, SIGKILL);
		if (!exited && child_has_exited(pid)) {
			exited = 1;
			*end_ns = spawn_now_ns();
			/* stragglers in the group would hold our pipes open */
			kill(-pid, SIGKILL);
			drain_until = *end_ns + DRAIN_NS;
		}
		if (exited && ((cap[0].fd < 0 && cap[1].fd < 0) || now >= drain_until))
			break;

		for (int i = 0; i < 2; i++)
			if (cap[i].fd >= 0)
				pfd[nfds++] = (struct pollfd){ .fd = cap[i].fd, .events = POLLIN };
		if (!exited && pidfd >= 0)
			pfd[nfds++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (!exited && pidfd < 0)
			wait_ms = 5; /* no pidfd: poll for the exit */
		uint64_t next = exited ? drain_until : (kill_at ? kill_at : deadline);
		if (!exited && next_tick && (!next || next_tick < next))
			next = next_tick;
		if (next) {
			int ms = next > now ? (int)((next - now) / 1000000ULL) + 1 : 0;
			if (wait_ms < 0 || ms < wait_ms)
				wait_ms = ms;
		}
		if (poll(pfd, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < nfds; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			for (int c = 0; c < 2; c++)
				if (pfd[i].fd == cap[c].fd)
					capture_read(&cap[c]);
		}
	}
	if (!exited) {
		kill(-pid, SIGKILL);
		*end_ns = spawn_now_ns();
	}
	if (pidfd >= 0)
		close(pidfd);
	(void)out;
}

int spawn_run(const struct spawn_req *req, struct spawn_out *out)
{
	int out_pipe[2], err_pipe[2], report_pipe[2];
	struct capture cap[2] = {
		{ .limit = OUT_LIMIT, .fd = -1 }, { .limit = ERR_LIMIT, .fd = -1 },
	};
	struct rusage ru;
	uint64_t start_ns, end_ns = 0;
	int status = 0, child_errno = 0;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	out->exit_code = -1;
	if (pipe2(out_pipe, O_CLOEXEC) < 0)
		goto no_pipes;
	if (pipe2(err_pipe, O_CLOEXEC) < 0)
		goto close_out;
	if (pipe2(report_pipe, O_CLOEXEC) < 0)
		goto close_err;

	start_ns = spawn_now_ns();
	pid_t parent = getpid();
	pid = fork();
	if (pid == 0)
		child_exec(req, out_pipe[1], err_pipe[1], report_pipe[1], start_ns, parent);
	if (pid < 0) {
		snprintf(out->error, sizeof(out->error), "fork: %s", strerror(errno));
		close(report_pipe[0]);
		close(report_pipe[1]);
		goto close_err;
	}
	setpgid(pid, pid); /* also in the child: whichever runs first */
	close(out_pipe[1]);
	close(err_pipe[1]);
	close(report_pipe[1]);
	cap[0].fd = out_pipe[0];
	cap[1].fd = err_pipe[0];

	supervise(pid, req, cap, out, start_ns, &end_ns);
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	out->wall_s = (double)(end_ns - start_ns) / 1e9;
	out->cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	out->max_rss_kib = ru.ru_maxrss;
	if (WIFEXITED(status))
		out->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		out->term_signal = WTERMSIG(status);
	out->out = capture_take(&cap[0]);
	out->err = capture_take(&cap[1]);

	if (read(report_pipe[0], &child_errno, sizeof(child_errno)) ==
	    (ssize_t)sizeof(child_errno))
		snprintf(out->error, sizeof(out->error), "cannot run %s: %s",
			 req->argv[0], strerror(child_errno));
	else
		out->started = 1;
	close(report_pipe[0]);
	return out->started ? 0 : -1;

close_err:
	close(err_pipe[0]);
	close(err_pipe[1]);
close_out:
	close(out_pipe[0]);
	close(out_pipe[1]);
no_pipes:
	if (!out->error[0])
		snprintf(out->error, sizeof(out->error), "pipe: %s", strerror(errno));
	out->out = strdup("");
	out->err = strdup("");
	return -1;
}

void spawn_out_free(struct spawn_out *out)
{
	free(out->out);
	free(out->err);
	out->out = out->err = NULL;
}

const char *spawn_tail_lines(const char *text, int lines)
{
	size_t len = strlen(text);
	const char *p;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	for (p = text + len; p > text; p--)
		if (p[-1] == '\n' && --lines == 0)
			return p;
	return text;
}
