/*
 * Validation of what a guest hands the monitor in a hypercall, separate from
 * carrying it out so it can be unit-tested without KVM. A request that fails
 * here is a guest fault: the run ends with the reason.
 */
#ifndef LWVMM_HYPERCALL_CHECK_H
#define LWVMM_HYPERCALL_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "lwvmm_abi.h"

#define HC_CONSOLE_MAX (64 * 1024)   /* bytes per console write */
#define HC_RING_MAX (1024 * 1024)     /* bytes of one ring */

/* Bytes of the block header plus `count` requests. */
uint64_t hc_block_bytes(uint32_t count);

/* The doorbell value: an 8-byte aligned GPA whose header lies in RAM. */
int hc_check_block_gpa(uint64_t mem_size, uint64_t gpa, char *why, size_t why_len);

/* The block's count, once read: 1..HC_BATCH_MAX and all requests in RAM. */
int hc_check_block_count(uint64_t mem_size, uint64_t gpa, uint32_t count, char *why, size_t why_len);

/* One request's number and arguments. */
int hc_check_request(const struct hc_request *req, uint64_t mem_size, int ncpus,
		     char *why, size_t why_len);

#endif
