/* Per-CPU busy and steal time from /proc/stat, summed over a set of PUs. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostload.h"

void hostload_sample(hwloc_const_cpuset_t pus, struct cpu_sample *out)
{
	FILE *f = fopen("/proc/stat", "r");
	double hz = (double)sysconf(_SC_CLK_TCK);
	char line[512];

	struct timespec now;

	memset(out, 0, sizeof(*out));
	clock_gettime(CLOCK_MONOTONIC, &now);
	out->at_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	out->tick_s = hz > 0 ? 1 / hz : 0;
	if (!f || hz <= 0) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal;
		int cpu;

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &user, &nice, &sys, &idle, &iowait, &irq, &softirq, &steal) != 9)
			continue;
		/* hwloc cpusets are indexed by the OS's CPU numbers, as /proc/stat is */
		if (!hwloc_bitmap_isset(pus, (unsigned)cpu))
			continue;
		out->busy_s += (double)(user + nice + sys + irq + softirq) / hz;
		out->steal_s += (double)steal / hz;
		out->ok = 1;
	}
	fclose(f);
}
