/* The workloads' TCP API (wl.h) on Linux sockets: the native side of the net workload. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wl.h"

struct wl_tcp {
	int fd;
};

static int connect_within(int fd, const struct sockaddr_in *sa, int timeout_ms)
{
	int flags = fcntl(fd, F_GETFL);
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof(err);

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		if (errno != EINPROGRESS)
			return -1;
		int n = poll(&pfd, 1, timeout_ms);
		if (n <= 0) {
			errno = n == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			errno = err ? err : errno;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, flags);
}

struct wl_tcp *wl_tcp_connect(const char *peer, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = WL_TCP_TIMEOUT_MS / 1000 };
	int one = 1;

	if (!peer)
		peer = "127.0.0.1";
	if (inet_pton(AF_INET, peer, &sa.sin_addr) != 1) {
		wl_eprintf("net: '%s' is not an IPv4 address\n", peer);
		return NULL;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect_within(fd, &sa, WL_TCP_TIMEOUT_MS) < 0) {
		wl_eprintf("net: cannot connect to %s:%d: %s\n", peer, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	/* Request/response sends small messages at once; no call waits forever. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	struct wl_tcp *c = malloc(sizeof(*c));
	if (!c) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	return c;
}

static const char *why(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK ? "no progress for 10 s" : strerror(errno);
}

int wl_tcp_send(struct wl_tcp *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			wl_eprintf("net: send: %s\n", why());
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long wl_tcp_recv(struct wl_tcp *c, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = recv(c->fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno != EINTR) {
			wl_eprintf("net: receive: %s\n", why());
			return -1;
		}
	}
}

int wl_tcp_shutdown_write(struct wl_tcp *c)
{
	if (shutdown(c->fd, SHUT_WR) < 0) {
		wl_eprintf("net: shutdown: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

void wl_tcp_close(struct wl_tcp *c)
{
	close(c->fd);
	free(c);
}

/* The kernel's network stack has no rings to count. */
void wl_net_get_stats(struct wl_net_stats *s)
{
	memset(s, 0, sizeof(*s));
}
