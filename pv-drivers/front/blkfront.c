#include "attach.h"
#include "blkfront.h"
#include "evtchn.h"
#include "platform.h"

int blkfront_open(struct blkfront *f, int dev, int trap_and_emulate)
{
	if (dev < 0 || (uint32_t)dev >= lw_boot->ndevices || lw_boot->devices[dev].type != LW_DEV_BLOCK)
		return -1;
	f->dev = dev;
	f->port = dev;
	f->trap_and_emulate = trap_and_emulate;
	f->size = lw_boot->devices[dev].size;
	f->readonly = (lw_boot->devices[dev].flags & LW_DEV_READONLY) != 0;
	f->ndone = 0;
	f->kicks = f->events = f->mmio_accesses = 0;
	if (trap_and_emulate)
		return 0;
	struct ring_front *const rings[] = { &f->ring };
	f->port = front_attach_rings(dev, rings, 1, BLKFRONT_RING_BYTES, BLK_SLOT_SIZE);
	return f->port < 0 ? -1 : 0;
}

static void mmio_write(struct blkfront *f, uint64_t reg, uint64_t value)
{
	volatile uint64_t *r = (volatile uint64_t *)(LW_MMIO_GPA + (uint64_t)f->dev * MMIO_BLK_STRIDE + reg);
	*r = value;
	f->mmio_accesses++;
}

static int64_t mmio_read(struct blkfront *f, uint64_t reg)
{
	volatile int64_t *r = (volatile int64_t *)(LW_MMIO_GPA + (uint64_t)f->dev * MMIO_BLK_STRIDE + reg);
	f->mmio_accesses++;
	return *r;
}

/* What an emulated disk controller costs: one exit per register access. */
static int submit_trap_and_emulate(struct blkfront *f, uint32_t op, uint64_t id, uint64_t offset,
				   void *buf, uint32_t len)
{
	if (f->ndone == BLKFRONT_MMIO_QUEUE)
		return -1;
	mmio_write(f, MMIO_BLK_OFFSET, offset);
	mmio_write(f, MMIO_BLK_BUFFER, (uint64_t)buf);
	mmio_write(f, MMIO_BLK_LENGTH, len);
	mmio_write(f, MMIO_BLK_COMMAND, op);
	int64_t status = mmio_read(f, MMIO_BLK_STATUS);
	f->done[f->ndone].id = id;
	f->done[f->ndone].status = (int32_t)status;
	f->done[f->ndone].len = status == 0 ? len : 0;
	f->ndone++;
	return 0;
}

int blkfront_submit(struct blkfront *f, uint32_t op, uint64_t id, uint64_t offset, void *buf, uint32_t len)
{
	if (f->trap_and_emulate)
		return submit_trap_and_emulate(f, op, id, offset, buf, len);
	if (ring_free_requests(&f->ring) == 0)
		return -1;
	struct blk_request *r = ring_next_request(&f->ring);
	r->id = id;
	r->op = op;
	r->len = len;
	r->offset = offset;
	r->buffer = (uint64_t)buf;
	ring_front_commit_request(&f->ring);
	return 0;
}

void blkfront_push(struct blkfront *f)
{
	if (f->trap_and_emulate)
		return;
	if (ring_push_requests_and_check_notify(&f->ring)) {
		f->kicks++;
		evtchn_notify(f->port);
	}
}

static int reap_local(struct blkfront *f, struct blk_response *out, int max)
{
	int n = f->ndone < max ? f->ndone : max;
	for (int i = 0; i < n; i++)
		out[i] = f->done[i];
	for (int i = n; i < f->ndone; i++)
		f->done[i - n] = f->done[i];
	f->ndone -= n;
	return n;
}

int blkfront_reap(struct blkfront *f, struct blk_response *out, int max, int wait)
{
	if (f->trap_and_emulate)
		return reap_local(f, out, max);
	for (;;) {
		int n = 0;
		while (n < max && ring_unconsumed_responses(&f->ring)) {
			out[n++] = *(struct blk_response *)ring_next_response(&f->ring);
			ring_front_consume_response(&f->ring);
		}
		if (n || !wait)
			return n;
		if (f->ring.sring->broken)
			return -1;
		/* With a deep queue, wake for a quarter of it at once (the rest keeps the disk busy). */
		if (ring_final_check_for_responses_fraction(&f->ring, 4))
			continue;
		evtchn_wait(1ULL << f->port);
		f->events++;
	}
}
