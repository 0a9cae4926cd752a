/* The workloads, by name. Keep in step with workload_names.c (a unit test checks). */
#include "wl.h"

extern const struct workload wl_cpu, wl_mem, wl_memlat, wl_noise, wl_io, wl_hypercall, wl_selftest, wl_net;

const struct workload *const wl_workloads[] = {
	&wl_cpu,
	&wl_mem,
	&wl_memlat,
	&wl_noise,
	&wl_io,
	&wl_hypercall,
	&wl_selftest,
	&wl_net,
	0,
};
