/* KVM's in-kernel counters of a VM's vCPUs (KVM_GET_STATS_FD), summed. */
#ifndef LWVMM_KVM_STATS_H
#define LWVMM_KVM_STATS_H

#include <stdint.h>
#include <stdio.h>

#define KVM_COUNTERS_MAX 96

struct kvm_counters {
	int n;
	char name[KVM_COUNTERS_MAX][48];
	uint64_t value[KVM_COUNTERS_MAX];
};

int kvm_counters_add_vcpu(struct kvm_counters *c, int vcpu_fd);
void kvm_counters_print(FILE *out, const struct kvm_counters *c);
void kvm_counters_json(FILE *out, const struct kvm_counters *c);

#endif
