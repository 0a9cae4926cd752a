/*
 * The container's first program: it writes CLOCK_MONOTONIC (ns, decimal)
 * to fd 3, the pipe ctrun hands through the runtime (--preserve-fds 1),
 * closes it and execs the real program. ctrun's startup_ms is this stamp
 * minus the moment it started the runtime. Linked statically.
 */
#include <errno.h>
#include <stdio.h>
#include <sysexits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	char line[32];
	int len;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: ctstamp PROGRAM [ARGS]\n"
		       "writes CLOCK_MONOTONIC (ns) to fd 3 and execs PROGRAM (ctrun's first\n"
		       "program in a container); exit 64 usage, 127 PROGRAM cannot run\n");
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("ctstamp %s\n", BUILD_VERSION);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2)
			fprintf(stderr, "ctstamp: bad option '%s'\n", argv[1]);
		fprintf(stderr, "usage: ctstamp PROGRAM [ARGS]\n");
		return EX_USAGE;
	}
	len = snprintf(line, sizeof(line), "%lld\n",
		       (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (write(3, line, (size_t)len) == len || errno == EBADF)
		close(3);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "ctstamp: cannot run %s: %s\n", argv[1], strerror(errno));
	return 127;
}
