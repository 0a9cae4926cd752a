/*
 * libFuzzer target: a hypercall as a hostile guest makes it. The doorbell
 * value (the block's GPA), the calling vCPU, the VM's vCPU count and the
 * block's bytes all come from the input; the steps are hypercall_handle()'s
 * in lwvmm/hypercall.c: check the GPA, read the count from shared memory,
 * check it, copy the requests, look each number up and run its check
 * (lwvmm/hypercall_check.c). For an accepted request the monitor's accesses
 * are made as the handlers make them (the console bytes, the woken vCPU,
 * the `ret` write-back), and the one guard's rule is checked: what a guest
 * names for I/O lies in guest-owned RAM (at or above owned_from) and over
 * no ring.
 *
 * Input: 1 byte calling vCPU, 1 byte vCPU count (1..64), 8 bytes block GPA,
 * then the block's bytes (struct hc_block), written at the caller's block.
 *
 * The check table below mirrors hypercall.c's (whose handlers need a VM):
 * a new hypercall is a line here too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hypercall_check.h"

#define RAM_SIZE (LW_IMAGE_GPA + (2u << 20))   /* the low pages, then 2 MiB of image space */
#define RING_GPA (LW_IMAGE_GPA + 0x100000u)     /* an attached ring: off limits for I/O */
#define RING_BYTES 0x4000u

typedef int check_fn(const struct hc_request *, const struct hc_env *, char *, size_t);

static check_fn *const checks[HC_COUNT] = {
	[HC_NULL] = hc_check_no_args,
	[HC_CONSOLE_WRITE] = hc_check_console_write,
	[HC_EXIT] = hc_check_exit,
	[HC_TIME] = hc_check_no_args,
	[HC_VCPU_PARK] = hc_check_no_args,
	[HC_VCPU_WAKE] = hc_check_vcpu_wake,
	[HC_DEVICE_ATTACH] = hc_check_device_attach,
	[HC_EVTCHN_WAIT] = hc_check_evtchn_wait,
	[HC_MEM_RELEASE] = hc_check_mem_release,
};

static uint8_t *ram;
static volatile uint64_t sink;

/* An accepted I/O range: guest_io_ptr must give it, and it must be the guest's. */
static void touch_guest_io(const struct guest_memory *mem, uint64_t gpa, uint64_t len)
{
	uint8_t *p = guest_io_ptr(mem, gpa, len);

	if (!p || gpa < mem->owned_from ||
	    (len && guest_ranges_overlap(gpa, len, RING_GPA, RING_BYTES)))
		abort();
	if (len) {
		sink += p[0];
		sink += p[len - 1];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_memory mem = { .fd = -1, .size = RAM_SIZE, .owned_from = LW_IMAGE_GPA,
				    .rings = { { RING_GPA, RING_BYTES } }, .nrings = 1 };
	struct hc_request reqs[HC_BATCH_MAX];
	uint64_t gpa;
	char why[200];

	if (!ram)
		ram = calloc(1, RAM_SIZE);
	if (size < 10)
		return 0;
	int ncpus = 1 + data[1] % 64;
	int vcpu = data[0] % ncpus;
	memcpy(&gpa, data + 2, 8);
	data += 10;
	size -= 10;
	mem.host = ram;
	struct hc_env env = { .mem = &mem, .ncpus = ncpus };

	/* The caller's block, wherever the doorbell says it is. */
	uint64_t own = LW_HCBLOCK_GPA + (uint64_t)vcpu * LW_PAGE_SIZE;
	size_t placed = size < sizeof(struct hc_block) ? size : sizeof(struct hc_block);
	memcpy(ram + own, data, placed);
	uint8_t *woken = calloc((size_t)ncpus, 1);   /* a wake touches its vCPU's state */

	if (hc_check_block_gpa(gpa, vcpu, why, sizeof(why)) < 0)
		goto out;
	if (gpa != own)
		abort();
	struct hc_block *block = guest_ptr(&mem, gpa, sizeof(*block));
	if (!block || gpa + sizeof(*block) > mem.owned_from)
		abort();   /* the block (and its ret write-back) is the monitor's page */
	uint32_t count = __atomic_load_n(&block->count, __ATOMIC_RELAXED);
	if (hc_check_block_count(count, why, sizeof(why)) < 0)
		goto out;
	memcpy(reqs, block->req, count * sizeof(reqs[0]));
	for (uint32_t i = 0; i < count; i++) {
		const struct hc_request *r = &reqs[i];
		check_fn *check = r->nr < HC_COUNT ? checks[r->nr] : NULL;
		if (!check || check(r, &env, why, sizeof(why)) < 0)
			break;
		switch (r->nr) {
		case HC_CONSOLE_WRITE:
		case HC_MEM_RELEASE:   /* the handler discards exactly that range */
			touch_guest_io(&mem, r->arg[0], r->arg[1]);
			break;
		case HC_DEVICE_ATTACH: {
			/* The device table records the ring after this check: on a copy here. */
			struct guest_memory with_ring = mem;
			if (guest_memory_add_ring(&with_ring, r->arg[1], r->arg[2], why, sizeof(why)) == 0)
				touch_guest_io(&mem, r->arg[1], r->arg[2]);
			break;
		}
		case HC_VCPU_WAKE:
			woken[r->arg[0]] = 1;
			break;
		default:
			break;
		}
		block->req[i].ret = 0;
	}
out:
	free(woken);
	memset(ram + own, 0, placed);
	return 0;
}
