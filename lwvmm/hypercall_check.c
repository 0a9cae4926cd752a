#include <stdio.h>

#include "hypercall_check.h"

uint64_t hc_block_bytes(uint32_t count)
{
	return (uint64_t)offsetof(struct hc_block, req) + (uint64_t)count * sizeof(struct hc_request);
}

int hc_check_block_gpa(uint64_t gpa, int vcpu_index, char *why, size_t why_len)
{
	uint64_t own = LW_HCBLOCK_GPA + (uint64_t)vcpu_index * LW_PAGE_SIZE;

	if (gpa != own) {
		snprintf(why, why_len, "hypercall block at 0x%llx is not vCPU %d's own block at 0x%llx",
			 (unsigned long long)gpa, vcpu_index, (unsigned long long)own);
		return -1;
	}
	return 0;
}

int hc_check_block_count(uint32_t count, char *why, size_t why_len)
{
	if (count < 1 || count > HC_BATCH_MAX) {
		snprintf(why, why_len, "hypercall batch of %u requests (1 to %d allowed)", count, HC_BATCH_MAX);
		return -1;
	}
	return 0;
}

int hc_check_no_args(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	(void)req;
	(void)env;
	(void)why;
	(void)why_len;
	return 0;
}

int hc_check_console_write(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	char where[120];

	if (req->arg[1] > HC_CONSOLE_MAX) {
		snprintf(why, why_len, "console write of %llu bytes (at most %d)",
			 (unsigned long long)req->arg[1], HC_CONSOLE_MAX);
		return -1;
	}
	if (guest_io_check(env->mem, req->arg[0], req->arg[1], where, sizeof(where)) < 0) {
		snprintf(why, why_len, "console write buffer %s", where);
		return -1;
	}
	return 0;
}

int hc_check_exit(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	(void)env;
	if (req->arg[0] > 255) {
		snprintf(why, why_len, "exit status %llu (0 to 255 allowed)", (unsigned long long)req->arg[0]);
		return -1;
	}
	return 0;
}

int hc_check_vcpu_wake(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	if (req->arg[0] >= (uint64_t)env->ncpus) {
		snprintf(why, why_len, "wake of vCPU %llu, the VM has %d",
			 (unsigned long long)req->arg[0], env->ncpus);
		return -1;
	}
	return 0;
}

/* The ring's shape; its place is checked when it is recorded (guest_memory_add_ring). */
int hc_check_device_attach(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	(void)env;
	if (req->arg[0] >= LW_MAX_DEVICES || req->arg[1] % LW_PAGE_SIZE || req->arg[2] % LW_PAGE_SIZE ||
	    req->arg[2] < LW_PAGE_SIZE || req->arg[2] > HC_RING_MAX) {
		snprintf(why, why_len, "device %llu ring 0x%llx+%llu: want a device below %d and "
			 "whole pages, at most %d bytes", (unsigned long long)req->arg[0],
			 (unsigned long long)req->arg[1], (unsigned long long)req->arg[2],
			 LW_MAX_DEVICES, HC_RING_MAX);
		return -1;
	}
	return 0;
}

int hc_check_evtchn_wait(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	(void)env;
	if (req->arg[0] == 0) {
		snprintf(why, why_len, "wait on an empty port mask (it would never return)");
		return -1;
	}
	return 0;
}

/* Whole pages of guest-owned RAM (the one guard: not the monitor's pages, not a ring). */
int hc_check_mem_release(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len)
{
	char where[120];

	if (req->arg[1] == 0 || req->arg[0] % LW_PAGE_SIZE || req->arg[1] % LW_PAGE_SIZE) {
		snprintf(why, why_len, "release of 0x%llx+%llu: want whole pages, at least one",
			 (unsigned long long)req->arg[0], (unsigned long long)req->arg[1]);
		return -1;
	}
	if (guest_io_check(env->mem, req->arg[0], req->arg[1], where, sizeof(where)) < 0) {
		snprintf(why, why_len, "release of %s", where);
		return -1;
	}
	return 0;
}
