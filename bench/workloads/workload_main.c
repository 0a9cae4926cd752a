/*
 * build/bin/workload: the native build of the workloads.
 *   workload NAME [ARGS]     e.g. workload cpu --size 256 --threads 2
 * The exit status is the workload's: 0 ok, 1 its check failed, 2 bad usage.
 */
#include <stdio.h>

#include "wl.h"

int main(int argc, char **argv)
{
	const struct workload *w = argc > 1 ? wl_find(argv[1]) : NULL;

	if (!w) {
		if (argc > 1)
			fprintf(stderr, "workload: unknown workload '%s'\n", argv[1]);
		fprintf(stderr, "usage: workload NAME [ARGS]; workloads:\n");
		for (int i = 0; wl_workloads[i]; i++)
			fprintf(stderr, "  %s %s%s\n", wl_workloads[i]->name, wl_workloads[i]->usage,
				wl_workloads[i]->vm_only ? "   (inside lwvmm only)" : "");
		return 2;
	}
	return w->main(argc - 1, argv + 1);
}
