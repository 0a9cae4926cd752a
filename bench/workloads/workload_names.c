/*
 * The workload names alone, for lwvmm to reject an unknown --workload before
 * it boots anything. Keep in step with registry.c (a unit test checks).
 */
#include <stddef.h>

const char *const wl_workload_names[] = { "cpu", "mem", "memlat", "noise", "io", "hypercall", "selftest", "net", "numa-eng", "numa-ray", "alloc", "dataset", NULL };
