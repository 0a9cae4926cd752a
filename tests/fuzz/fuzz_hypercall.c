/*
 * libFuzzer target: a hypercall as a hostile guest makes it. The doorbell
 * value (the block's GPA), the VM's vCPU count and the block's bytes in
 * guest RAM all come from the input; the steps are hypercall_handle()'s in
 * lwvmm/hypercall.c: check the GPA, read the count from shared memory,
 * check it, copy the requests, check each (lwvmm/hypercall_check.c). For an
 * accepted request the monitor's accesses are made as the handlers would
 * make them (the console bytes, the ring's pages, the woken vCPU, the `ret`
 * write-back), so ASan reports any check that lets one leave RAM.
 *
 * Input: 8 bytes block GPA, 1 byte vCPU count (1..64), then the block's
 * bytes, written at that GPA (clipped to RAM).
 *
 * The glue follows today's functions; it is meant to be easy to point at
 * the hypercall table once there is one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_memory.h"
#include "hypercall_check.h"

#define RAM_SIZE (LW_IMAGE_GPA + (2u << 20))   /* the low pages, then 2 MiB of image space */

static uint8_t *ram;
static volatile uint64_t sink;

static void touch(const struct guest_memory *mem, uint64_t gpa, uint64_t len)
{
	uint8_t *p = guest_ptr(mem, gpa, len);

	if (!p)
		abort();   /* an accepted argument named memory outside RAM */
	if (len) {
		sink += p[0];
		sink += p[len - 1];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_memory mem = { .fd = -1, .size = RAM_SIZE };
	struct hc_request reqs[HC_BATCH_MAX];
	uint64_t gpa;
	char why[200];

	if (!ram)
		ram = calloc(1, RAM_SIZE);
	if (size < 9)
		return 0;
	memcpy(&gpa, data, 8);
	int ncpus = 1 + data[8] % 64;
	data += 9;
	size -= 9;
	mem.host = ram;

	/* The guest's block, wherever it says it is (what lies past RAM is lost). */
	uint64_t at = gpa < RAM_SIZE ? gpa : RAM_SIZE;
	size_t placed = size < RAM_SIZE - at ? size : (size_t)(RAM_SIZE - at);
	memcpy(ram + at, data, placed);
	uint8_t *vcpus = malloc((size_t)ncpus);   /* one byte per vCPU: a wake touches its own */

	if (hc_check_block_gpa(mem.size, gpa, why, sizeof(why)) < 0)
		goto out;
	struct hc_block *block = guest_ptr(&mem, gpa, hc_block_bytes(0));
	if (!block)
		abort();
	uint32_t count = block->count;   /* read once, as the monitor does */
	if (hc_check_block_count(mem.size, gpa, count, why, sizeof(why)) < 0)
		goto out;
	touch(&mem, gpa, hc_block_bytes(count));
	memcpy(reqs, block->req, count * sizeof(reqs[0]));
	for (uint32_t i = 0; i < count; i++) {
		const struct hc_request *r = &reqs[i];
		if (hc_check_request(r, mem.size, ncpus, why, sizeof(why)) < 0)
			break;
		if (r->nr >= HC_COUNT)
			abort();   /* the per-number statistics index by it */
		switch (r->nr) {
		case HC_CONSOLE_WRITE:
			touch(&mem, r->arg[0], r->arg[1]);
			break;
		case HC_DEVICE_ATTACH:
			touch(&mem, r->arg[1], r->arg[2]);
			break;
		case HC_VCPU_WAKE:
			vcpus[r->arg[0]] = 1;
			break;
		default:
			break;
		}
		block->req[i].ret = 0;
	}
out:
	free(vcpus);
	memset(ram + at, 0, placed);
	return 0;
}
