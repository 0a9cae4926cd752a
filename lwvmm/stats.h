/*
 * Exit statistics: per vCPU, how many exits of each KVM exit reason, how long
 * the monitor spent handling them, how long the vCPU spent in the guest, and
 * how many hypercalls of each number. Each vCPU thread writes only its own
 * counters; they are summed when the run ends.
 */
#ifndef LWVMM_STATS_H
#define LWVMM_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "lwvmm_abi.h"

#define STATS_MAX_REASON 64

struct vcpu_stats {
	uint64_t exits[STATS_MAX_REASON];
	uint64_t exit_ns[STATS_MAX_REASON];  /* monitor time handling them */
	uint64_t guest_ns;                   /* time inside KVM_RUN */
	uint64_t parked_ns;                  /* time asleep in HC_VCPU_PARK */
	uint64_t hypercalls[HC_COUNT];
	uint64_t hypercall_exits;            /* doorbell writes (batches) */
	uint64_t pages_released;             /* HC_MEM_RELEASE: guest pages given back to the host */
};

struct run_summary {
	const char *flavour;
	int vcpus;
	uint64_t mem_bytes;
	int exit_status;
	double wall_s;
	double startup_ms;         /* main() to the first guest entry */
	double spawn_to_guest_ms;  /* LWVMM_SPAWN_NS to first guest entry; <0 if unknown */
	uint64_t guest_touched_kib;
	uint64_t peak_rss_kib;
	int one_of_several;        /* a domain among several: no process-wide figures (peak RSS) */
	struct vcpu_stats total;
};

const char *exit_reason_name(unsigned reason);
const char *hypercall_name(unsigned nr);   /* hypercall.c: the table's name */
void stats_add(struct vcpu_stats *total, const struct vcpu_stats *one);
void stats_print_text(FILE *out, const struct run_summary *s);
/* The summary's "key":value members, without the braces (several domains' objects). */
void stats_json_members(FILE *f, const struct run_summary *s);
/* fclose(), and -1 with errno when anything written was lost. */
int stats_close_json(FILE *f);
/* `extra`, when given, appends more "key":value members to the object. */
int stats_write_json(const char *path, const struct run_summary *s,
		     void (*extra)(FILE *f, void *ctx), void *ctx);

#endif
