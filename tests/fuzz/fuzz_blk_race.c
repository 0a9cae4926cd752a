/*
 * libFuzzer target: the block back end's own thread (blkback_ops.attach, the
 * real io_uring loop of pv-drivers/blkback.c) while a second thread, the
 * hostile guest, rewrites the shared ring under it: slot bytes, the
 * producer index (ahead, behind, far past the ring) and doorbell kicks, in
 * rounds, as fast as it can. The back end must copy each request before it
 * checks it, never trust the index twice, and stop cleanly at
 * blkback_ops.stop. ASan reports any access outside RAM or the ring, -timeout
 * a back end that never stops. Not reproducible run to run (the two threads
 * race, which is the point); fuzz_blkback is the deterministic twin.
 *
 * Input: 1 byte of flags (bit 0: read-only disk), 4 bytes of starting
 * index, 4 of producer advance, 1 byte number of rewrites (at most 32),
 * 8 bytes per rewrite (kind, unused, offset, value: see rewrite()), then
 * the ring's slots.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "blkback.h"
#include "fuzz_tmp.h"

#define RAM_SIZE (1u << 20)
#define RING_GPA 0x10000u
#define RING_BYTES 4096u
#define DISK_BYTES (64u << 10)
#define ROUNDS 16
#define OWNED_FROM 0x8000u

struct rewrite_op {
	uint8_t kind;
	uint8_t unused;
	uint16_t offset;
	uint32_t value;
};

struct guest_side {
	struct ring_shared *s;
	const struct rewrite_op *ops;
	int nops;
	int kick_fd;
};

static uint8_t *ram;
static struct guest_memory mem;
static char disk[512];

static void raise_event(void *ctx, int port)
{
	(void)ctx;
	(void)port;
}

static struct pv_guest guest = { .mem = &mem, .raise_event = raise_event };

static void remove_disk(void)
{
	unlink(disk);
}

static void set_up(void)
{
	ram = calloc(1, RAM_SIZE);
	mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE, .owned_from = OWNED_FROM,
		.rings = { { RING_GPA, RING_BYTES } }, .nrings = 1 };
	fuzz_tmp_template(disk, sizeof(disk), "disk");
	int fd = mkstemp(disk);
	if (!ram || fd < 0 || ftruncate(fd, DISK_BYTES) < 0)
		abort();
	close(fd);
	atexit(remove_disk);
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0)
		abort();
}

/*
 * kind 0: a 32-bit word anywhere in the ring (header or slots); 1: the
 * producer moves on by value % 128 and kicks; 2: a kick alone; 3: the
 * producer is set to value outright; else: one byte of a slot.
 */
static void rewrite(struct guest_side *g, const struct rewrite_op *op)
{
	volatile uint8_t *ring = (volatile uint8_t *)g->s;

	switch (op->kind % 5) {
	case 0:
		__atomic_store_n((uint32_t *)(ring + (op->offset % RING_BYTES & ~3u)), op->value,
				 __ATOMIC_RELAXED);
		break;
	case 1:
		g->s->req_prod += op->value % 128;
		kick(g->kick_fd);
		break;
	case 2:
		kick(g->kick_fd);
		break;
	case 3:
		g->s->req_prod = op->value;
		break;
	default:
		ring[RING_HEADER_BYTES + op->offset % (RING_BYTES - RING_HEADER_BYTES)] = (uint8_t)op->value;
		break;
	}
}

/*
 * Waits (boundedly) until the back end thread has started on the ring, so
 * that the rewrites land while it works rather than before it begins, then
 * rewrites in rounds, yielding between them so the back end runs.
 */
static void *hostile_guest(void *arg)
{
	struct guest_side *g = arg;
	uint32_t rsp_prod = g->s->rsp_prod;

	for (int spin = 0; spin < 10000 && g->s->rsp_prod == rsp_prod && g->s->req_event == 0 &&
	     !g->s->broken; spin++)
		sched_yield();
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < g->nops; i++)
			rewrite(g, &g->ops[i]);
		sched_yield();
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rewrite_op ops[32];
	struct blkback b;
	uint32_t start, advance;
	char spec[600], why[256];

	if (!ram)
		set_up();
	if (size < 10)
		return 0;
	int readonly = data[0] & 1;
	memcpy(&start, data + 1, 4);
	memcpy(&advance, data + 5, 4);
	int nops = data[9] % 33;
	data += 10;
	size -= 10;
	if (size < nops * sizeof(ops[0]))
		return 0;
	memcpy(ops, data, nops * sizeof(ops[0]));
	data += nops * sizeof(ops[0]);
	size -= nops * sizeof(ops[0]);

	struct ring_shared *s = guest_ptr(&mem, RING_GPA, RING_BYTES);
	memset(s, 0, RING_BYTES);
	memcpy(s->slots, data, size < RING_BYTES - RING_HEADER_BYTES ? size : RING_BYTES - RING_HEADER_BYTES);
	s->rsp_prod = start;
	s->req_prod = start + advance;

	snprintf(spec, sizeof(spec), "%s%s", disk, readonly ? ",ro" : "");
	int kick_fd = eventfd(0, EFD_CLOEXEC);
	memset(&b, 0, sizeof(b));
	if (kick_fd < 0 || blkback_ops.open(&b, spec, 0, why, sizeof(why)) < 0 ||
	    blkback_ops.attach(&b, &guest, RING_GPA, RING_BYTES, 0, kick_fd, why, sizeof(why)) < 0)
		abort();
	struct guest_side g = { .s = s, .ops = ops, .nops = nops, .kick_fd = kick_fd };
	pthread_t t;
	if (pthread_create(&t, NULL, hostile_guest, &g) != 0)
		abort();
	pthread_join(t, NULL);
	blkback_ops.stop(&b);
	close(kick_fd);
	return 0;
}
