/*
 * build/bin/workload: the native build of the workloads.
 *   workload NAME [ARGS]     e.g. workload cpu --size 256 --threads 2
 * The exit status is the workload's: 0 ok, 1 its check failed, 2 bad usage.
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

int main(int argc, char **argv)
{
	const struct workload *w = argc > 1 ? wl_find(argv[1]) : NULL;

	if (!w && argc > 1 && vm_only(argv[1])) {
		fprintf(stderr, "workload: '%s' runs only inside lwvmm (lwvmm run --workload %s)\n",
			argv[1], argv[1]);
		return 2;
	}
	if (!w) {
		if (argc > 1)
			fprintf(stderr, "workload: unknown workload '%s'\n", argv[1]);
		fprintf(stderr, "usage: workload NAME [ARGS]; workloads:\n");
		for (int i = 0; i < wl_nworkloads; i++) {
			if (wl_workloads[i])
				fprintf(stderr, "  %s %s\n", wl_workloads[i]->name, wl_workloads[i]->usage);
		}
		fprintf(stderr, "inside lwvmm only:");
		for (int i = 0; wl_workload_names[i]; i++) {
			if (!wl_find(wl_workload_names[i]))
				fprintf(stderr, " %s", wl_workload_names[i]);
		}
		fprintf(stderr, "\n");
		return 2;
	}
	return w->main(argc - 1, argv + 1);
}
