/*
 * The workloads, by name. Keep in step with workload_names.c (a unit test checks).
 *
 * hypercall and selftest run only inside lwvmm: their files are linked into
 * the guest alone (bench/workloads/build.mk). They are named here as weak
 * references, which the linker resolves to NULL where the file is not linked,
 * so this one list serves both builds and the native one carries no stubs.
 */
#include "wl.h"

extern const struct workload wl_cpu, wl_mem, wl_memlat, wl_noise, wl_io, wl_net,
	wl_numa_eng, wl_numa_ray, wl_alloc_workload, wl_dataset;
extern const struct workload wl_hypercall __attribute__((weak));
extern const struct workload wl_selftest __attribute__((weak));

const struct workload *const wl_workloads[] = {
	&wl_cpu,
	&wl_mem,
	&wl_memlat,
	&wl_noise,
	&wl_io,
	&wl_hypercall,
	&wl_selftest,
	&wl_net,
	&wl_numa_eng,
	&wl_numa_ray,
	&wl_alloc_workload,
	&wl_dataset,
};
const int wl_nworkloads = sizeof(wl_workloads) / sizeof(wl_workloads[0]);
