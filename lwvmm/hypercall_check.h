/*
 * Validation of what a guest hands the monitor in a hypercall, apart from
 * carrying it out so that it can be unit-tested and fuzzed without KVM. Each
 * hypercall's check is named in the hypercall table (hypercall.c). A request
 * that fails here is a guest fault: the run ends with the reason.
 */
#ifndef LWVMM_HYPERCALL_CHECK_H
#define LWVMM_HYPERCALL_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "guest_memory.h"
#include "lwvmm_abi.h"

#define HC_CONSOLE_MAX (64 * 1024)   /* bytes per console write */
#define HC_RING_MAX (1024 * 1024)     /* bytes of one ring */

/* What a check may look at: guest memory (guest_io_check) and the vCPU count. */
struct hc_env {
	const struct guest_memory *mem;
	int ncpus;
};

/* Bytes of the block header plus `count` requests. */
uint64_t hc_block_bytes(uint32_t count);

/*
 * The doorbell value: the calling vCPU's own block (LW_HCBLOCK_GPA + index
 * pages), the only place the monitor writes results back to.
 */
int hc_check_block_gpa(uint64_t gpa, int vcpu_index, char *why, size_t why_len);

/* The block's count, once read: 1..HC_BATCH_MAX (the block is one page). */
int hc_check_block_count(uint32_t count, char *why, size_t why_len);

/* The per-call checks of the hypercall table: 0, or -1 and `why`. */
int hc_check_no_args(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
int hc_check_console_write(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
int hc_check_exit(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
int hc_check_vcpu_wake(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
int hc_check_device_attach(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
int hc_check_evtchn_wait(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
int hc_check_mem_release(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);

#endif
