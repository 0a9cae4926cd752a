/*
 * How busy the CPUs a run was pinned to were with other work. The kernel's
 * per-CPU counters (/proc/stat) say how much time those CPUs were busy;
 * whatever the run itself did not use went to other processes, and `steal`
 * is time the hypervisor gave to others when the host is itself a VM.
 */
#ifndef VMBENCH_HOSTLOAD_H
#define VMBENCH_HOSTLOAD_H

#include <hwloc.h>

struct cpu_sample {
	double busy_s;   /* user+nice+system+irq+softirq */
	double steal_s;
	double at_s;     /* when it was taken (CLOCK_MONOTONIC): the window between two */
	double tick_s;   /* the counters' unit (1/USER_HZ, 10 ms): their resolution */
	int ok;
};

void hostload_sample(hwloc_const_cpuset_t pus, struct cpu_sample *out);

#endif
