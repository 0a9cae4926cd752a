/* The peer and network of net cells: see netcell.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netcell.h"
#include "paths.h"

#define PEER_READY_MS 5000

static void leave_netns(struct netcell *n)
{
	if (n->saved_netns < 0)
		return;
	if (setns(n->saved_netns, CLONE_NEWNET) < 0)
		fprintf(stderr, "vmbench: cannot return to the host network namespace: %s\n",
			strerror(errno));
	close(n->saved_netns);
	n->saved_netns = -1;
}

/* A network namespace of our own, with nothing in it yet (lwvmm adds the tap). */
static int enter_new_netns(struct netcell *n, char *why, size_t whylen)
{
	n->saved_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (n->saved_netns < 0) {
		snprintf(why, whylen, "net cell: /proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		int e = errno;
		close(n->saved_netns);
		n->saved_netns = -1;
		snprintf(why, whylen, "net cell: cannot create a network namespace: %s%s", strerror(e),
			 e == EPERM ? " (VM net cells need root: a namespace and a tap device)" : "");
		return -1;
	}
	return 0;
}

static void stop_peer(struct netcell *n)
{
	if (n->peer <= 0)
		return;
	kill(n->peer, SIGTERM);
	for (int i = 0; i < 40; i++) {   /* it stops within 200 ms; SIGKILL after 2 s */
		if (waitpid(n->peer, NULL, WNOHANG) == n->peer) {
			n->peer = 0;
			return;
		}
		struct timespec ts = { 0, 50000000 };
		nanosleep(&ts, NULL);
	}
	kill(n->peer, SIGKILL);
	waitpid(n->peer, NULL, 0);
	n->peer = 0;
}

/* Starts netpeer and reads "netpeer: listening on ADDR:PORT" from it. */
/* In the peer's child: every CPU we may use that is not the cell's, if any. */
static void pin_away_from(hwloc_const_cpuset_t pus)
{
	cpu_set_t allowed, away;
	int any = 0;

	if (!pus || sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return;
	CPU_ZERO(&away);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &allowed) && !hwloc_bitmap_isset(pus, (unsigned)cpu)) {
			CPU_SET(cpu, &away);
			any = 1;
		}
	}
	if (any)
		sched_setaffinity(0, sizeof(away), &away);
}

static int start_peer(struct netcell *n, const struct run_ctx *ctx, const char *bind_addr,
		      hwloc_const_cpuset_t pus, char *why, size_t whylen)
{
	char *bin = paths_join(ctx->tool_dir, "netpeer");
	char *log = paths_join(ctx->run_dir, "netpeer.log");
	char line[256] = "";
	size_t len = 0;
	int pipefd[2];

	if (access(bin, X_OK) < 0) {
		snprintf(why, whylen, "net cell: %s: %s", bin, strerror(errno));
		goto fail;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "net cell: pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t parent = getpid();
	n->peer = fork();
	if (n->peer == 0) {
		int logfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		dup2(pipefd[1], 1);
		pin_away_from(pus);
		if (logfd >= 0)
			dup2(logfd, 2);
		execl(bin, bin, "--bind", bind_addr, "--port", "0", (char *)NULL);
		fprintf(stderr, "vmbench: cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (n->peer < 0) {
		snprintf(why, whylen, "net cell: fork: %s", strerror(errno));
		close(pipefd[0]);
		goto fail;
	}
	struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
	while (!strchr(line, '\n') && len < sizeof(line) - 1 && poll(&pfd, 1, PEER_READY_MS) > 0) {
		ssize_t got = read(pipefd[0], line + len, sizeof(line) - 1 - len);
		if (got <= 0)
			break;
		len += (size_t)got;
		line[len] = '\0';
	}
	close(pipefd[0]);
	const char *colon = strrchr(line, ':');
	int port = colon ? atoi(colon + 1) : 0;
	if (!strstr(line, "listening on") || port <= 0) {
		snprintf(why, whylen, "net cell: netpeer did not start listening (see %s)", log);
		stop_peer(n);
		goto fail;
	}
	snprintf(n->port, sizeof(n->port), "%d", port);
	free(bin);
	free(log);
	return 0;
fail:
	free(bin);
	free(log);
	return -1;
}

int netcell_begin(struct netcell *n, const struct run_ctx *ctx, const char *env,
		  hwloc_const_cpuset_t pus, char *why, size_t whylen)
{
	int vm = !strcmp(env, "vm");
	int container = !strcmp(env, "container");
	const char *bind = vm || container ? "0.0.0.0" : "127.0.0.1";

	memset(n, 0, sizeof(*n));
	n->saved_netns = -1;
	why[0] = '\0';
	if (!vm && !container && strcmp(env, "native")) {
		snprintf(why, whylen, "net cells run natively, in containers and in the vm only");
		return -1;
	}
	if (vm && enter_new_netns(n, why, whylen) < 0)
		return -1;
	/* A container reaches the peer over its veth pair; ctrun puts the host end's address for "@peer". */
	snprintf(n->peer_addr, sizeof(n->peer_addr), "%s",
		 vm ? NETCELL_HOST : container ? "@peer" : "127.0.0.1");
	if (start_peer(n, ctx, bind, pus, why, whylen) < 0) {
		leave_netns(n);
		return -1;
	}
	if (vm)
		snprintf(n->net_arg, sizeof(n->net_arg), "tap,host=%s,guest=%s", NETCELL_HOST,
			 NETCELL_GUEST);
	n->extra_argv[0] = "--peer";
	n->extra_argv[1] = n->peer_addr;
	n->extra_argv[2] = "--port";
	n->extra_argv[3] = n->port;
	n->extra_argv[4] = NULL;
	return 0;
}

void netcell_end(struct netcell *n)
{
	stop_peer(n);
	leave_netns(n);
}
