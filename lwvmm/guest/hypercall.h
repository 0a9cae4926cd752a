/* The guest side of the hypercall ABI (lwvmm_abi.h). */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>

#include "lwvmm_abi.h"
#include "platform.h"   /* lw_boot and hc_call3, which the front ends use too */

/* This vCPU's index, from where its stack is. */
int lw_vcpu_index(void);

/* One request, one exit. */
int64_t hc_call(uint64_t nr, uint64_t a0, uint64_t a1);

/* `count` requests (at most HC_BATCH_MAX) in one exit; results in req[i].ret. */
void hc_call_batch(const struct hc_request *req, int count, int64_t *ret);

/* A write to the no-reply doorbell (KVM_IOEVENTFD: no exit to the monitor). */
void hc_notify(uint64_t value);

#endif
