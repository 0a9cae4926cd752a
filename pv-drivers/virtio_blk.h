/*
 * virtio-blk (virtio 1.x, 5.2) for Linux guests: the block back end of
 * blkback.c behind a second front door, a split virtqueue (virtqueue.h) on
 * the virtio-pci transport (virtio_pci.h). One request chain is a 16-byte
 * header (type, sector), at most one data buffer (the device offers
 * VIRTIO_BLK_F_SEG_MAX = 1, so Linux sends one physically contiguous segment)
 * and a status byte; it becomes one struct blk_request, checked by
 * blk_check_request() as a ring request is, and served by the same io_uring
 * loop. A disk opened ",ro" offers VIRTIO_BLK_F_RO, and a write that comes
 * anyway is answered VIRTIO_BLK_S_IOERR by the back end's check.
 */
#ifndef PV_VIRTIO_BLK_H
#define PV_VIRTIO_BLK_H

#include <stdio.h>

#include "backend.h"
#include "blkback.h"
#include "virtio_pci.h"
#include "virtqueue.h"

struct virtio_blk_req {
	uint64_t status_gpa;   /* where the status byte goes */
	uint32_t data_len;     /* bytes of the data buffer */
	uint8_t is_read, unsupported;
};

struct virtio_blk {
	struct blkback blk;          /* the one block back end */
	struct virtio_pci vp;
	struct pv_guest guest;
	struct virtq vq;
	int kick_fd;                 /* the notify address's ioeventfd */
	struct virtio_blk_req req[VIRTQ_MAX_SIZE];   /* by head index */
	uint64_t broken_chains;
};

/*
 * Opens the disk ("FILE[,ro][,direct]", as --disk) for a virtio-blk device
 * whose interrupts go to `irq_fd` and kicks come on `kick_fd`. 0, or -1 with `why`.
 */
int virtio_blk_open(struct virtio_blk *v, const char *spec, struct guest_memory *mem,
		    int kick_fd, int irq_fd, char *why, size_t why_len);

/* End of run: the back end stopped (its requests finished) and the disk closed. */
void virtio_blk_close(struct virtio_blk *v);

/* --stats: the back end's line, as for a ring disk, and the transport's figures. */
void virtio_blk_print_stats(FILE *out, const struct virtio_blk *v, int index);

/* The door's take(), for the unit test and the fuzz target. */
int virtio_blk_take(void *ctx, const struct blk_limits *l, struct blk_request *req, int *status,
		    char *why, size_t why_len);

extern const struct virtio_pci_kind virtio_blk_kind;

#endif
