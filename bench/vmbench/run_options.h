/* `vmbench run`'s command line (run_options.c). */
#ifndef VMBENCH_RUN_OPTIONS_H
#define VMBENCH_RUN_OPTIONS_H

#include <stdio.h>

struct options {
	const char *suite;
	const char *envs;     /* comma-separated, or NULL for the suite's */
	const char *workloads; /* comma-separated, or NULL for every cell */
	const char *out;
	int reps;             /* 0: the suite's */
	int timeout_s;        /* 0: the suite's */
	int dry_run;          /* print the plan, run nothing */
};

/* `vmbench run`'s usage, with the environments' names. */
void run_usage(FILE *f);
/* 0, or -1 after saying why on stderr; --help prints the usage and exits 0. */
int parse_options(int argc, char **argv, struct options *o);

#endif
