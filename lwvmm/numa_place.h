/*
 * --numa and --numa-sim: where the vCPU threads run and where guest RAM
 * lies (numa-policy/ decides, this file applies it). One placement a
 * process, kept here from the command line to the report.
 *
 *   main.c   numa_place_configure()   topology and placement, before any KVM object
 *   vm.c     numa_place_memory()      mbind on guest RAM before anything touches it
 *   vcpu.c   numa_place_pin_vcpu()    each vCPU thread pins itself, before its filter
 *   vm.c     numa_place_print_stats(), numa_place_json_stats()  the report
 */
#ifndef LWVMM_NUMA_PLACE_H
#define LWVMM_NUMA_PLACE_H

#include <stdio.h>

struct vm_config;
struct guest_memory;
struct vcpu;

/* 0, or the exit status (64: the spec is the user's) with one message printed. */
int numa_place_configure(const struct vm_config *c);

/* Binds guest RAM as the placement says (nothing on a simulated topology). 0 or -1 with why. */
int numa_place_memory(struct guest_memory *mem, char *why, size_t why_len);

/* From the vCPU thread itself. 0, or -1 with the run ended. */
int numa_place_pin_vcpu(struct vcpu *vcpu);

struct numa_topology;
struct numa_placement;
/* For numa_run.c: the topology and placement in force, NULL without --numa. */
const struct numa_topology *numa_place_topology(void);
const struct numa_placement *numa_place_placement(void);

void numa_place_print_stats(FILE *out, const struct guest_memory *mem);
void numa_place_json_stats(FILE *out, const struct guest_memory *mem);

#endif
