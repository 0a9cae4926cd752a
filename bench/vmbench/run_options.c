/* `vmbench run`'s command line (run_options.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run_options.h"
#include "runner.h"

void run_usage(FILE *f)
{
	fprintf(f, "usage: vmbench run --suite NAME|FILE [--envs ENV,...] [--workloads NAME,...]\n"
		   "                   [--reps N] [--out DIR] [--timeout SECONDS] [--dry-run]\n"
		   "                   [--kernel BZIMAGE]\n"
		   "--kernel: vm-linux's guest kernel (sets VMBENCH_KERNEL)\n"
		   "--dry-run prints the cells and runs it would do and the longest it may take\n"
		   "environments:");
	for (int i = 0; runners[i]; i++)
		fprintf(f, " %s", runners[i]->name);
	fprintf(f, "\n");
}

static int parse_positive(const char *text, const char *what, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 1 || v > 100000) {
		fprintf(stderr, "vmbench: %s must be a whole number from 1 to 100000, not '%s'\n",
			what, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "suite", required_argument, NULL, 's' },
		{ "envs", required_argument, NULL, 'e' },
		{ "workloads", required_argument, NULL, 'w' },
		{ "reps", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "kernel", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+s:e:w:r:o:t:hnk:", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->suite = optarg; break;
		case 'e': o->envs = optarg; break;
		case 'w': o->workloads = optarg; break;
		case 'o': o->out = optarg; break;
		case 'r':
			if (parse_positive(optarg, "--reps", &o->reps) < 0)
				return -1;
			break;
		case 't':
			if (parse_positive(optarg, "--timeout", &o->timeout_s) < 0)
				return -1;
			break;
		case 'n': o->dry_run = 1; break;
		case 'k':   /* read by runner_vm_linux.c */
			if (access(optarg, R_OK) < 0) {
				fprintf(stderr, "vmbench: --kernel %s: %s\n", optarg, strerror(errno));
				return -1;
			}
			setenv("VMBENCH_KERNEL", optarg, 1);
			break;
		case 'h':
			run_usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "vmbench: bad option '%s'\n", argv[optind - 1]);
			run_usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmbench: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->workloads && !o->workloads[strspn(o->workloads, ",")]) {
		fprintf(stderr, "vmbench: --workloads lists no workload\n");
		return -1;
	}
	if (!o->suite) {
		fprintf(stderr, "vmbench: run needs --suite NAME\n");
		run_usage(stderr);
		return -1;
	}
	return 0;
}
