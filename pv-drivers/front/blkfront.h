/*
 * The guest's block front end: requests go on a shared ring (zero copy: they
 * name guest-physical buffers), or, for comparison, through the
 * trap-and-emulate registers where every register access exits.
 */
#ifndef PV_BLKFRONT_H
#define PV_BLKFRONT_H

#include <stdint.h>

#include "blkif.h"
#include "ring.h"

#define BLKFRONT_RING_BYTES 8192
#define BLKFRONT_MMIO_QUEUE 256

struct blkfront {
	int dev;
	int port;
	int trap_and_emulate;
	uint64_t size;
	int readonly;
	struct ring_front ring;
	/* trap-and-emulate: completions are known at once and queued here */
	struct blk_response done[BLKFRONT_MMIO_QUEUE];
	int ndone;
	/* statistics */
	uint64_t kicks;           /* notifications to the back end */
	uint64_t events;          /* notifications from it that woke a waiting blkfront_reap() */
	uint64_t mmio_accesses;   /* trap-and-emulate register accesses */
};

/* 0, or -1 when `dev` is not a block device or cannot be attached. */
int blkfront_open(struct blkfront *f, int dev, int trap_and_emulate);

/* Queues one request; -1 when the ring is full. Requests reach the back end at blkfront_push(). */
int blkfront_submit(struct blkfront *f, uint32_t op, uint64_t id, uint64_t offset, void *buf, uint32_t len);

/* Publishes queued requests; notifies the back end only if it asked. */
void blkfront_push(struct blkfront *f);

/*
 * Up to `max` completions; -1: device broken. With `wait` and none there yet,
 * sleeps until there is at least one, asking the back end to notify only once
 * a quarter of the requests in flight have completed, so that one wake-up
 * usually serves several.
 */
int blkfront_reap(struct blkfront *f, struct blk_response *out, int max, int wait);

#endif
