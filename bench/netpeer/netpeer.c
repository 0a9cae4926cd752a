/*
 * netpeer: the host-side peer of the net workload (protocol in
 * bench/workloads/net_proto.h): a TCP sink that answers the byte count it
 * read, and an echo server, on one port, one thread per connection.
 *
 *   netpeer [--bind ADDR] [--port N] [--idle-timeout S]
 *
 * Prints "netpeer: listening on ADDR:PORT" on stdout once it accepts
 * connections (--port 0: a free port, printed there), one line per finished
 * connection on stderr. Ends on SIGTERM/SIGINT, when its parent dies, or
 * after --idle-timeout seconds without a connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_proto.h"

#define CONN_IDLE_S 30     /* a connection silent this long is dropped (its client died) */
#define BUF_BYTES (256 << 10)

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: netpeer [--bind ADDR] [--port N] [--idle-timeout SECONDS]\n"
		   "  serves the net workload: after an 8-byte hello, %s reads to end of stream\n"
		   "  and answers the byte count (8 bytes, big-endian); %s echoes every byte.\n"
		   "  defaults: --bind 0.0.0.0 --port %d; --port 0 picks a free port.\n"
		   "  netpeer --help | --version; exit 64 on a usage error.\n",
		NET_HELLO_SINK, NET_HELLO_ECHO, NET_DEFAULT_PORT);
}

static int parse_number(const char *text, long min, long max, const char *what, long *out)
{
	char *end;

	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max) {
		fprintf(stderr, "netpeer: %s must be a number from %ld to %ld, not '%s'\n",
			what, min, max, text);
		return -1;
	}
	*out = v;
	return 0;
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct conn {
	int fd;
	char who[64];
};

/* Reads until end of stream; -1 on error. */
static int serve(int fd, int echo, char *buf, uint64_t *bytes)
{
	for (;;) {
		ssize_t n = read(fd, buf, BUF_BYTES);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		*bytes += (uint64_t)n;
		if (echo && write_full(fd, buf, (size_t)n) < 0)
			return -1;
	}
}

static void *connection(void *arg)
{
	struct conn *c = arg;
	char hello[NET_HELLO_LEN];
	char *buf = malloc(BUF_BYTES);
	uint64_t bytes = 0;
	const char *what = "?";
	int rc = -1;

	if (buf && read_full(c->fd, hello, sizeof(hello)) == 0) {
		int sink = !memcmp(hello, NET_HELLO_SINK, NET_HELLO_LEN);
		int echo = !memcmp(hello, NET_HELLO_ECHO, NET_HELLO_LEN);
		what = sink ? "sink" : echo ? "echo" : "bad hello";
		if (sink || echo)
			rc = serve(c->fd, echo, buf, &bytes);
		if (sink && rc == 0) {
			uint8_t answer[8];
			for (int i = 0; i < 8; i++)
				answer[i] = (uint8_t)(bytes >> (56 - 8 * i));
			rc = write_full(c->fd, answer, sizeof(answer));
		}
	}
	fprintf(stderr, "netpeer: %s from %s: %llu bytes%s%s\n", what, c->who,
		(unsigned long long)bytes, rc == 0 ? "" : ", ended by ",
		rc == 0 ? "" : errno == EAGAIN ? "a silent client" : strerror(errno));
	close(c->fd);
	free(buf);
	free(c);
	return NULL;
}

static int listen_on(const char *bind_addr, long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t len = sizeof(sa);
	int one = 1;

	if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "netpeer: --bind '%s' is not an IPv4 address\n", bind_addr);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "netpeer: socket: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(stderr, "netpeer: cannot listen on %s:%ld: %s\n", bind_addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	printf("netpeer: listening on %s:%d\n", bind_addr, ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bind_addr = "0.0.0.0";
	long port = NET_DEFAULT_PORT, idle_s = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:p:i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': bind_addr = optarg; break;
		case 'p':
			if (parse_number(optarg, 0, 65535, "--port", &port) < 0)
				return EX_USAGE;
			break;
		case 'i':
			if (parse_number(optarg, 0, 86400, "--idle-timeout", &idle_s) < 0)
				return EX_USAGE;
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("netpeer %s\n", BUILD_VERSION); return 0;
		default:
			fprintf(stderr, "netpeer: bad option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netpeer: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}
	/* Never outlive whoever started us (the harness, a test). */
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return 0;
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int lfd = listen_on(bind_addr, port);
	if (lfd < 0)
		return 1;
	uint64_t idle_ms = 0;
	while (!stopping) {
		struct pollfd pfd = { .fd = lfd, .events = POLLIN };
		int n = poll(&pfd, 1, 200);
		if (n <= 0) {
			idle_ms += n == 0 ? 200 : 0;
			if (idle_s && idle_ms >= (uint64_t)idle_s * 1000) {
				fprintf(stderr, "netpeer: no connection for %ld s, exiting\n", idle_s);
				break;
			}
			continue;
		}
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		int fd = accept4(lfd, (struct sockaddr *)&from, &len, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		idle_ms = 0;
		int one = 1;
		struct timeval tv = { .tv_sec = CONN_IDLE_S };
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		struct conn *conn = malloc(sizeof(*conn));
		pthread_t tid;
		if (!conn) {
			close(fd);
			continue;
		}
		conn->fd = fd;
		snprintf(conn->who, sizeof(conn->who), "%s:%d", inet_ntoa(from.sin_addr), ntohs(from.sin_port));
		if (pthread_create(&tid, NULL, connection, conn) != 0) {
			fprintf(stderr, "netpeer: cannot start a thread for %s\n", conn->who);
			close(fd);
			free(conn);
			continue;
		}
		pthread_detach(tid);
	}
	close(lfd);
	return 0;
}
