/*
 * libFuzzer target: the device side of a split virtqueue (virtqueue.c) and
 * virtio-blk's request parsing on it (virtio_blk_take), where a hostile
 * driver controls every byte of the descriptor table and the available ring.
 * For what is accepted, the buffers named are touched (as the I/O would):
 * ASan reports any access outside guest RAM, and the loop must end (chains
 * that loop or run long are refused).
 *
 * Input: 1 byte of log2 queue size, 2 of starting index, 2 of avail idx,
 * then the descriptor table and the avail ring's entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_blk.h"
#include "virtqueue.h"

#define RAM_SIZE (4u << 20)
#define DESC 0x200000u
#define AVAIL 0x201000u
#define USED 0x202000u

static uint8_t *ram;
static struct virtio_blk v;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_memory mem;
	struct virtq_buf bufs[VIRTQ_MAX_SIZE];
	uint16_t start, idx, head;
	char why[200];
	int n;

	if (!ram)
		ram = calloc(1, RAM_SIZE);
	if (size < 5)
		return 0;
	uint16_t qsize = (uint16_t)(1u << (data[0] % 9));
	memcpy(&start, data + 1, 2);
	memcpy(&idx, data + 3, 2);
	data += 5;
	size -= 5;
	memset(ram + DESC, 0, 0x3000);
	size_t d = size < 16u * qsize ? size : 16u * qsize;
	memcpy(ram + DESC, data, d);
	size_t a = size - d < 2u * qsize ? size - d : 2u * qsize;
	memcpy(ram + AVAIL + 4, data + d, a);
	memcpy(ram + AVAIL + 2, &idx, 2);

	mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE, .owned_from = 0x100000 };
	if (virtq_init(&v.vq, &mem, qsize, DESC, AVAIL, USED, why, sizeof(why)) < 0)
		abort();
	v.vq.last_avail = start;
	v.vq.used_idx = start;
	v.guest.mem = &mem;
	struct blk_limits limits = { .disk_size = 1u << 30, .mem = &mem };
	/* Half the passes through virtio-blk's parser, half straight through the queue. */
	for (int pass = 0; pass < qsize; pass++) {
		if (pass % 2) {
			struct blk_request req;
			int status, got = virtio_blk_take(&v, &limits, &req, &status, why, sizeof(why));
			if (got <= 0)
				break;
			if (status == 0 && req.op != BLK_OP_FLUSH) {
				uint8_t *p = guest_io_ptr(&mem, req.buffer, req.len);
				if (!p)
					abort();   /* a checked request names guest RAM */
				p[0] ^= 1;
				p[req.len - 1] ^= 1;
			}
			virtq_push(&v.vq, (uint16_t)req.id, 1);
		} else {
			int got = virtq_pop(&v.vq, &head, bufs, VIRTQ_MAX_SIZE, &n, why, sizeof(why));
			if (got <= 0)
				break;
			if (head >= qsize || n < 1 || n > qsize)
				abort();
			for (int i = 0; i < n; i++) {
				uint8_t *p = guest_io_ptr(&mem, bufs[i].gpa, bufs[i].len);
				if (!p)
					abort();
				if (bufs[i].len)
					p[bufs[i].len - 1] ^= 1;
			}
			virtq_push(&v.vq, head, 0);
		}
	}
	virtq_publish(&v.vq);
	return 0;
}
