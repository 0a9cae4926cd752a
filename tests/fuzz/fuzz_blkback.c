/*
 * libFuzzer target: the block back end end to end (pv-drivers/blkback.c)
 * on a ring whose every byte and whose producer index a hostile guest
 * controls: requests taken and checked, queued to io_uring against a small
 * temporary disk file, completed and answered, notifications raised; on a
 * read-write and on a read-only (",ro") disk; and, when the input asks, the
 * same requests through the trap-and-emulate registers (blkback_mmio: offset,
 * buffer, length, command, then status).
 *
 * blkback.c is included to drive its static loop steps (take_requests,
 * complete, push_responses, look_again) from this thread, in the order of
 * blkback_thread() but without its sleep, so that a run is reproducible.
 * fuzz_blk_race runs the real thread against a ring that changes under it.
 *
 * Input: 1 byte of flags (bit 0: read-only disk, bit 1: the sync path too),
 * 4 bytes of starting index, 4 of producer advance, then the ring's slots.
 */
#include "blkback.c"

#include <stdlib.h>
#include "fuzz_tmp.h"

#define RAM_SIZE (1u << 20)
#define RING_GPA 0x10000u
#define RING_BYTES 4096u
#define DISK_BYTES (64u << 10)
#define OWNED_FROM 0x8000u   /* below: the monitor's pages */

static uint8_t *ram;
static struct guest_memory mem;
static char disk[512];
static struct blkback disks[2];   /* read-write, read-only */
static int events;

static void raise_event(void *ctx, int port)
{
	(void)ctx;
	(void)port;
	events++;
}

static struct pv_guest guest = { .mem = &mem, .raise_event = raise_event };

static void remove_disk(void)
{
	unlink(disk);
}

/* Once: RAM, the disk file, both back ends opened as lwvmm opens them, and their io_urings. */
static void set_up(void)
{
	char spec[600], why[256];

	ram = calloc(1, RAM_SIZE);
	mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE, .owned_from = OWNED_FROM,
		.rings = { { RING_GPA, RING_BYTES } }, .nrings = 1 };
	fuzz_tmp_template(disk, sizeof(disk), "disk");
	int fd = mkstemp(disk);
	if (!ram || fd < 0 || ftruncate(fd, DISK_BYTES) < 0)
		abort();
	close(fd);
	atexit(remove_disk);
	for (int ro = 0; ro < 2; ro++) {
		snprintf(spec, sizeof(spec), "%s%s", disk, ro ? ",ro" : "");
		if (blkback_open(&disks[ro], spec, 0, why, sizeof(why)) < 0 ||
		    io_uring_queue_init(2 * BLKBACK_DEPTH, &disks[ro].uring, 0) < 0)
			abort();
	}
}

/* What blkback_attach does, but no thread: this one drives the back end. */
static void attach(struct blkback *b, struct ring_shared *s)
{
	b->guest = &guest;
	b->port = 0;
	ring_back_init(&b->ring, s, ring_slots_for(RING_BYTES, BLK_SLOT_SIZE), BLK_SLOT_SIZE);
	use_ring_door(b);
	b->limits = (struct blk_limits){ .disk_size = b->size, .readonly = b->readonly, .mem = &mem };
	atomic_store(&b->broken, 0);
	b->attached = 1;
}

static void reap(struct blkback *b, int wait)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;

	io_uring_submit_and_wait(&b->uring, wait);
	io_uring_for_each_cqe(&b->uring, head, cqe) {
		complete(b, cqe);
		seen++;
	}
	io_uring_cq_advance(&b->uring, seen);
}

/* blkback_thread()'s steps, bounded: the ring is fixed, so a few passes take all. */
static void serve(struct blkback *b)
{
	for (int pass = 0; pass < 8; pass++) {
		if (!atomic_load(&b->broken))
			take_requests(b);
		push_responses(b);
		if (b->in_flight == 0 && (atomic_load(&b->broken) || !look_again(b)))
			break;
		reap(b, b->in_flight ? 1 : 0);
	}
	while (b->in_flight > 0)
		reap(b, 1);
	push_responses(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t start, advance;

	if (!ram)
		set_up();
	if (size < 9)
		return 0;
	int flags = data[0];
	memcpy(&start, data + 1, 4);
	memcpy(&advance, data + 5, 4);
	data += 9;
	size -= 9;

	struct blkback *b = &disks[flags & 1];
	struct ring_shared *s = guest_ptr(&mem, RING_GPA, RING_BYTES);
	memset(s, 0, RING_BYTES);
	size_t n = size < RING_BYTES - RING_HEADER_BYTES ? size : RING_BYTES - RING_HEADER_BYTES;
	memcpy(s->slots, data, n);
	s->rsp_prod = start;
	s->rsp_event = start + 1;
	attach(b, s);
	s->req_prod = start + advance;
	serve(b);
	if (b->in_flight != 0)
		abort();

	if (flags & 2) {
		/* The trap-and-emulate registers carry the same requests, one at a time. */
		for (size_t i = 0; i + sizeof(struct blk_request) <= n && i < 8 * BLK_SLOT_SIZE;
		     i += BLK_SLOT_SIZE) {
			struct blk_request r;
			memcpy(&r, data + i, sizeof(r));
			uint64_t regs[4][2] = { { MMIO_BLK_OFFSET, r.offset }, { MMIO_BLK_BUFFER, r.buffer },
						{ MMIO_BLK_LENGTH, r.len }, { MMIO_BLK_COMMAND, r.op } };
			for (int k = 0; k < 4; k++)
				blkback_mmio(b, &mem, regs[k][0], 1, (uint8_t *)&regs[k][1], 8);
			uint64_t status;
			blkback_mmio(b, &mem, MMIO_BLK_STATUS, 0, (uint8_t *)&status, 8);
			/* and a register that is not there, or a short access */
			blkback_mmio(b, &mem, r.id % 0x40, (int)(r.id >> 8) & 1, (uint8_t *)&status,
				     (r.id >> 16) & 1 ? 4 : 8);
		}
	}
	return 0;
}
