/*
 * --numa-policy: the run-time half of Disco's NUMA memory management. A
 * policy thread samples which vCPU touches which page (numa_track.h, over
 * the per-vCPU tables of numa_pt.h), feeds numa-policy/'s pmap and policy,
 * and migrates the pages the policy picks with one move_pages() a period.
 * On a simulated topology (--numa-sim) nothing can move: only the pmap's
 * home nodes change, and the statistics say so.
 *
 *   main.c   numa_run_configure()  parses the spec (needs --numa), before any KVM object
 *   vm.c     numa_run_setup()      after the boot loader: the tables, their slot, CR3s, pmap
 *   vm.c     numa_run_start()      once the vCPU threads run; numa_run_stop() after they end
 *   vm.c     numa_run_print_stats(), numa_run_json_stats(), numa_run_destroy()
 */
#ifndef LWVMM_NUMA_RUN_H
#define LWVMM_NUMA_RUN_H

#include <stddef.h>
#include <stdio.h>

struct vm;
struct vm_config;

/* 0, or the exit status with one message printed (64 a bad spec, 69 replicate). */
int numa_run_configure(const struct vm_config *c);

/* 0 (also without a policy), or -1 with why. */
int numa_run_setup(struct vm *vm, char *why, size_t why_len);
/* 0, or -1 (no thread: the caller ends the run). */
int numa_run_start(struct vm *vm);
void numa_run_stop(void);
void numa_run_destroy(void);

void numa_run_print_stats(FILE *out);
void numa_run_json_stats(FILE *out);

#endif
