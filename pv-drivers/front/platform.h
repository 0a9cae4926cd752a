/*
 * What the front ends need of the guest they are linked into, and nothing
 * more: the boot information, one hypercall, page-aligned memory that is
 * never given back, and the time. The built-in guest provides them
 * (lwvmm/guest/hypercall.c, libos.c); the front ends include no guest or
 * workload header, only this one, the ABI and pv-drivers' own.
 */
#ifndef PV_FRONT_PLATFORM_H
#define PV_FRONT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "lwvmm_abi.h"

/* Written by the monitor before the guest's first instruction. */
extern const struct lw_bootinfo *lw_boot;

/* One hypercall, one exit; returns its result (lwvmm_abi.h). */
int64_t hc_call3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);

/* Zeroed, 4 KiB-aligned guest memory, or NULL. */
void *front_alloc(size_t bytes);

/* Nanoseconds of guest time. */
uint64_t front_time_ns(void);

#endif
