/*
 * libFuzzer target: the block back end's side of a ring whose every byte,
 * and whose producer index, a hostile guest controls. The back end takes
 * requests (blk_take_request), and for the ones it accepts touches the guest
 * buffer they name, as the I/O would; then answers. ASan and UBSan report any
 * access outside the ring or guest RAM, and the loop must always end.
 *
 * Input: 4 bytes of starting index, 4 of producer advance, then ring contents.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"
#include "guest_memory.h"

#define RAM_SIZE (4u << 20)
#define RING_GPA 0x200000u
#define RING_BYTES 8192u

static uint8_t *ram;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_memory mem;
	struct ring_back back;
	struct blk_request req;
	uint32_t start, advance;
	char why[200];
	int status;

	if (!ram)
		ram = calloc(1, RAM_SIZE);
	if (size < 8)
		return 0;
	memcpy(&start, data, 4);
	memcpy(&advance, data + 4, 4);
	data += 8;
	size -= 8;

	mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE, .owned_from = 0x100000,
				     .rings = { { RING_GPA, RING_BYTES } }, .nrings = 1 };
	struct ring_shared *s = guest_ptr(&mem, RING_GPA, RING_BYTES);
	memset(s, 0, RING_BYTES);
	memcpy(s->slots, data, size < RING_BYTES - RING_HEADER_BYTES ? size : RING_BYTES - RING_HEADER_BYTES);
	s->rsp_prod = start;
	ring_back_init(&back, s, ring_slots_for(RING_BYTES, BLK_SLOT_SIZE), BLK_SLOT_SIZE);
	s->req_prod = start + advance;

	struct blk_limits limits = { .disk_size = 1u << 30, .mem = &mem };
	/* Bounded as the real back end is: at most a ring's worth per pass. */
	for (uint32_t n = 0; n < back.nr_slots; n++) {
		int got = blk_take_request(&back, &limits, &req, &status, why, sizeof(why));
		if (got <= 0)
			break;
		if (status == 0 && req.op != BLK_OP_FLUSH) {
			uint8_t *buf = guest_io_ptr(&mem, req.buffer, req.len);
			if (!buf)
				abort();   /* a checked request must name guest RAM */
			buf[0] ^= 1;
			buf[req.len - 1] ^= 1;
		}
		struct blk_response rsp = { .id = req.id, .status = status };
		memcpy(ring_next_response_slot(&back), &rsp, sizeof(rsp));
		ring_back_commit_response(&back);
	}
	ring_push_responses_and_check_notify(&back);
	return 0;
}
