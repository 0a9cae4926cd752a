/*
 * build/bin/workload: the native build of the workloads.
 *   workload NAME [ARGS]     e.g. workload cpu --size 256 --threads 2
 *   workload [NAME] --help, workload --version
 * The exit status is the workload's (wl.h): 0 ok, 1 its check failed,
 * 2 it cannot run here, 64 bad usage.
 */
#include <stdio.h>
#include <string.h>

#include "wl.h"

extern const char *const wl_workload_names[];

/* A workload of the list that this build does not link runs only inside lwvmm. */
static int vm_only(const char *name)
{
	for (int i = 0; wl_workload_names[i]; i++) {
		if (strcmp(wl_workload_names[i], name) == 0)
			return 1;
	}
	return 0;
}

static int is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: workload NAME [ARGS]   (workload NAME --help, workload --version)\n"
		   "workloads:\n");
	for (int i = 0; i < wl_nworkloads; i++) {
		if (wl_workloads[i])
			fprintf(f, "  %s %s\n", wl_workloads[i]->name, wl_workloads[i]->usage);
	}
	fprintf(f, "inside lwvmm only:");
	for (int i = 0; wl_workload_names[i]; i++) {
		if (!wl_find(wl_workload_names[i]))
			fprintf(f, " %s", wl_workload_names[i]);
	}
	fprintf(f, "\nexit status: 0 ok, 1 the workload's check failed, 2 it cannot run here,\n"
		   "64 bad usage\n");
}

int main(int argc, char **argv)
{
	const struct workload *w = argc > 1 ? wl_find(argv[1]) : NULL;

	if (argc > 1 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("workload %s\n", BUILD_VERSION);
		return 0;
	}
	if (w && argc > 2 && is_help(argv[2])) {
		printf("usage: workload %s %s\n", w->name, w->usage);
		return 0;
	}
	if (!w && argc > 1 && vm_only(argv[1])) {
		fprintf(stderr, "workload: '%s' runs only inside lwvmm (lwvmm run --workload %s)\n",
			argv[1], argv[1]);
		return WL_USAGE;
	}
	if (!w) {
		if (argc > 1 && argv[1][0] == '-')
			fprintf(stderr, "workload: bad option '%s' (the workload's name comes first)\n",
				argv[1]);
		else if (argc > 1)
			fprintf(stderr, "workload: unknown workload '%s'\n", argv[1]);
		usage(stderr);
		return WL_USAGE;
	}
	return w->main(argc - 1, argv + 1);
}
