/*
 * The container's first program: it writes CLOCK_MONOTONIC (ns, decimal)
 * to fd 3, the pipe ctrun hands through the runtime (--preserve-fds 1),
 * closes it and execs the real program. ctrun's startup_ms is this stamp
 * minus the moment it started the runtime. Linked statically.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	char line[32];
	int len;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (argc < 2) {
		fprintf(stderr, "usage: ctstamp PROGRAM [ARGS]\n");
		return 2;
	}
	len = snprintf(line, sizeof(line), "%lld\n",
		       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (write(3, line, (size_t)len) == len || errno == EBADF)
		close(3);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "ctstamp: cannot run %s: %s\n", argv[1], strerror(errno));
	return 127;
}
