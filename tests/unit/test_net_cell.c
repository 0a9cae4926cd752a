/*
 * Net cells: the peer netcell.c starts (the real build/bin/netpeer, natively
 * on loopback) and its protocol: the sink's exact byte count, the echo, a bad
 * hello; and that the peer is gone afterwards. (The suite's "net" key is
 * tested in test_vmbench_suite.c.)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "netcell.h"
#include "net_proto.h"

static char tmpdir[] = "/tmp/test_net_cell-XXXXXX";

static void test_unsupported_env_and_missing_peer(void **state)
{
	struct run_ctx ctx = { .tool_dir = "build/bin", .run_dir = tmpdir };
	struct netcell n;
	char why[512];

	(void)state;
	assert_int_equal(netcell_begin(&n, &ctx, "container-cr", NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "natively, in containers and in the vm only"));
	ctx.tool_dir = tmpdir;
	assert_int_equal(netcell_begin(&n, &ctx, "native", NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "netpeer: No such file or directory"));
}

static int connect_to(const struct netcell *n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(n->port)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(inet_pton(AF_INET, n->peer_addr, &sa.sin_addr), 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static size_t read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len && (r = read(fd, buf + got, len - got)) > 0)
		got += (size_t)r;
	return got;
}

static void test_native_peer(void **state)
{
	struct run_ctx ctx = { .tool_dir = "build/bin", .run_dir = tmpdir };
	struct netcell n;
	char why[512] = "", buf[4096];

	(void)state;
	assert_int_equal(netcell_begin(&n, &ctx, "native", NULL, why, sizeof(why)), 0);
	assert_string_equal(n.net_arg, "");
	assert_string_equal(n.extra_argv[0], "--peer");
	assert_string_equal(n.extra_argv[1], "127.0.0.1");
	assert_string_equal(n.extra_argv[2], "--port");
	assert_true(atoi(n.extra_argv[3]) > 0);
	assert_null(n.extra_argv[4]);

	/* Sink: 100,000 bytes in, the count back, big-endian. */
	int fd = connect_to(&n);
	assert_int_equal(write(fd, NET_HELLO_SINK, NET_HELLO_LEN), NET_HELLO_LEN);
	memset(buf, 'x', sizeof(buf));
	for (int sent = 0; sent < 100000; sent += 1000)
		assert_int_equal(write(fd, buf, 1000), 1000);
	shutdown(fd, SHUT_WR);
	unsigned char count[9];
	assert_int_equal(read_all(fd, (char *)count, sizeof(count)), 8);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | count[i];
	assert_int_equal(v, 100000);
	close(fd);

	/* Echo. */
	fd = connect_to(&n);
	assert_int_equal(write(fd, NET_HELLO_ECHO "ping-pong", NET_HELLO_LEN + 9), NET_HELLO_LEN + 9);
	assert_int_equal(read_all(fd, buf, 9), 9);
	assert_memory_equal(buf, "ping-pong", 9);
	shutdown(fd, SHUT_WR);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), 0);
	close(fd);

	/* Anything else: closed without a word. */
	fd = connect_to(&n);
	assert_int_equal(write(fd, "GET / HTTP/1.0\r\n\r\n", 18), 18);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), 0);
	close(fd);

	pid_t peer = n.peer;
	netcell_end(&n);
	assert_int_equal(kill(peer, 0), -1);
	assert_int_equal(errno, ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsupported_env_and_missing_peer),
		cmocka_unit_test(test_native_peer),
	};
	if (!mkdtemp(tmpdir))
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
