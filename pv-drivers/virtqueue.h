/*
 * The device side of a split virtqueue (virtio 1.x, 2.7): a descriptor table,
 * the driver's "avail" ring and the device's "used" ring, all in guest RAM
 * that a hostile guest may rewrite at any time. Everything read from them is
 * read once, copied, then checked: a head or `next` index past the queue, a
 * chain longer than the queue (which is how a loop shows), an indirect
 * descriptor (not offered), a buffer outside the guest's own RAM
 * (guest_io_check, the one guard) are each refused with a reason. The device's
 * own indices (last_avail, used_idx) are private and never read back.
 *
 * No VIRTIO_F_EVENT_IDX: the driver asks for no interrupt with
 * VIRTQ_AVAIL_F_NO_INTERRUPT, the device for no kicks with
 * VIRTQ_USED_F_NO_NOTIFY.
 */
#ifndef PV_VIRTQUEUE_H
#define PV_VIRTQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "guest_memory.h"

#define VIRTQ_MAX_SIZE 256        /* what the device offers as queue_size */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY 1

struct virtq {
	const struct guest_memory *mem;
	uint16_t size;               /* a power of 2, 1 to VIRTQ_MAX_SIZE */
	uint64_t desc, avail, used;  /* guest-physical addresses */
	uint16_t last_avail;         /* the next avail entry to take (private) */
	uint16_t used_idx;           /* the next used entry to fill (private) */
};

/* One buffer of a chain, as checked. */
struct virtq_buf {
	uint64_t gpa;
	uint32_t len;
	int writable;                /* device-writable (VIRTQ_DESC_F_WRITE) */
};

/*
 * Sets the queue up at the addresses the driver gave: `size` a power of 2 of
 * at most VIRTQ_MAX_SIZE, the three areas aligned as 2.7 asks (16, 2, 4) and
 * in guest-owned RAM. 0, or -1 with `why`.
 */
int virtq_init(struct virtq *q, const struct guest_memory *mem, uint16_t size, uint64_t desc,
	       uint64_t avail, uint64_t used, char *why, size_t why_len);

/* Entries the driver made available and the device has not taken: 0 to size, or -1 (more than size: broken). */
int virtq_pending(const struct virtq *q);

/*
 * Takes the next available chain: its head index and up to `max` buffers
 * (device-readable ones first, then device-writable ones, as 2.7.4.2 asks).
 * 1 with *head, bufs[] and *n; 0 when none waits; -1 with `why` when the
 * driver broke the protocol (the entry is consumed: the device is to be reset).
 */
int virtq_pop(struct virtq *q, uint16_t *head, struct virtq_buf *bufs, int max, int *n,
	      char *why, size_t why_len);

/* Puts chain `head` on the used ring with `len` bytes written; seen by the driver at virtq_publish(). */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/* Publishes the used entries pushed so far; 1 when the driver wants an interrupt for them. */
int virtq_publish(struct virtq *q);

/*
 * Asks for kicks (`want` 1: clears VIRTQ_USED_F_NO_NOTIFY) or not (0) and
 * returns virtq_pending() as seen after that (a full barrier between), so
 * that a request made just before the flag changed is not missed.
 */
int virtq_want_kicks(struct virtq *q, int want);

#endif
