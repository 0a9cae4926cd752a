#include <stdio.h>

#include "guest_memory.h"
#include "hypercall_check.h"

uint64_t hc_block_bytes(uint32_t count)
{
	return (uint64_t)offsetof(struct hc_block, req) + (uint64_t)count * sizeof(struct hc_request);
}

int hc_check_block_gpa(uint64_t mem_size, uint64_t gpa, char *why, size_t why_len)
{
	if (gpa % 8 != 0) {
		snprintf(why, why_len, "hypercall block at 0x%llx is not 8-byte aligned",
			 (unsigned long long)gpa);
		return -1;
	}
	if (!guest_range_ok(mem_size, gpa, hc_block_bytes(0))) {
		snprintf(why, why_len, "hypercall block at 0x%llx is outside guest RAM",
			 (unsigned long long)gpa);
		return -1;
	}
	return 0;
}

int hc_check_block_count(uint64_t mem_size, uint64_t gpa, uint32_t count, char *why, size_t why_len)
{
	if (count < 1 || count > HC_BATCH_MAX) {
		snprintf(why, why_len, "hypercall batch of %u requests (1 to %d allowed)", count, HC_BATCH_MAX);
		return -1;
	}
	if (!guest_range_ok(mem_size, gpa, hc_block_bytes(count))) {
		snprintf(why, why_len, "hypercall batch at 0x%llx runs past the end of guest RAM",
			 (unsigned long long)gpa);
		return -1;
	}
	return 0;
}

int hc_check_request(const struct hc_request *req, uint64_t mem_size, int ncpus,
		     char *why, size_t why_len)
{
	switch (req->nr) {
	case HC_NULL:
	case HC_TIME:
	case HC_VCPU_PARK:
		return 0;
	case HC_CONSOLE_WRITE:
		if (req->arg[1] > HC_CONSOLE_MAX) {
			snprintf(why, why_len, "console write of %llu bytes (at most %d)",
				 (unsigned long long)req->arg[1], HC_CONSOLE_MAX);
			return -1;
		}
		if (!guest_range_ok(mem_size, req->arg[0], req->arg[1])) {
			snprintf(why, why_len, "console write buffer 0x%llx+%llu is outside guest RAM",
				 (unsigned long long)req->arg[0], (unsigned long long)req->arg[1]);
			return -1;
		}
		return 0;
	case HC_EXIT:
		if (req->arg[0] > 255) {
			snprintf(why, why_len, "exit status %llu (0 to 255 allowed)",
				 (unsigned long long)req->arg[0]);
			return -1;
		}
		return 0;
	case HC_DEVICE_ATTACH:
		if (req->arg[0] >= LW_MAX_DEVICES || req->arg[1] % LW_PAGE_SIZE || req->arg[2] % LW_PAGE_SIZE ||
		    req->arg[2] < LW_PAGE_SIZE || req->arg[2] > HC_RING_MAX) {
			snprintf(why, why_len, "device %llu ring 0x%llx+%llu: want a device below %d and "
				 "whole pages, at most %d bytes", (unsigned long long)req->arg[0],
				 (unsigned long long)req->arg[1], (unsigned long long)req->arg[2],
				 LW_MAX_DEVICES, HC_RING_MAX);
			return -1;
		}
		if (req->arg[1] < LW_IMAGE_GPA || !guest_range_ok(mem_size, req->arg[1], req->arg[2])) {
			snprintf(why, why_len, "ring 0x%llx+%llu is not in the guest's RAM above its low pages",
				 (unsigned long long)req->arg[1], (unsigned long long)req->arg[2]);
			return -1;
		}
		return 0;
	case HC_EVTCHN_WAIT:
		if (req->arg[0] == 0) {
			snprintf(why, why_len, "wait on an empty port mask (it would never return)");
			return -1;
		}
		return 0;
	case HC_VCPU_WAKE:
		if (req->arg[0] >= (uint64_t)ncpus) {
			snprintf(why, why_len, "wake of vCPU %llu, the VM has %d",
				 (unsigned long long)req->arg[0], ncpus);
			return -1;
		}
		return 0;
	default:
		snprintf(why, why_len, "unknown hypercall number %llu", (unsigned long long)req->nr);
		return -1;
	}
}
