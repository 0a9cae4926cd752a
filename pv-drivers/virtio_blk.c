#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "virtio_blk.h"

/* 5.2.3: feature bits */
#define VIRTIO_BLK_F_SIZE_MAX (1ULL << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)

/* 5.2.6: request types and status values */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define HEADER_BYTES 16
#define MAX_BUFS 3   /* header, one data segment (SEG_MAX 1), status */

static uint64_t blk_features(void *dev)
{
	struct virtio_blk *v = dev;

	return VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH |
	       (v->blk.readonly ? VIRTIO_BLK_F_RO : 0);
}

/* struct virtio_blk_config: capacity, size_max, seg_max, geometry, blk_size; the rest 0. */
static void blk_read_config(void *dev, uint32_t off, uint8_t *data, uint32_t len)
{
	struct virtio_blk *v = dev;
	uint8_t cfg[64] = { 0 };
	uint64_t sectors = v->blk.size / BLK_SECTOR;
	uint32_t size_max = BLK_MAX_LEN, seg_max = 1, blk_size = BLK_SECTOR;

	memcpy(cfg, &sectors, 8);
	memcpy(cfg + 8, &size_max, 4);
	memcpy(cfg + 12, &seg_max, 4);
	memcpy(cfg + 20, &blk_size, 4);
	memset(data, 0, len);
	if (off < sizeof(cfg))
		memcpy(data, cfg + off, len < sizeof(cfg) - off ? len : sizeof(cfg) - off);
}

/* The door (blkback.h) over the virtqueue; its context the device. */
int virtio_blk_take(void *ctx, const struct blk_limits *l, struct blk_request *req, int *status,
		    char *why, size_t why_len)
{
	struct virtio_blk *v = ctx;
	struct virtq_buf b[MAX_BUFS];
	uint16_t head;
	int n, got = virtq_pop(&v->vq, &head, b, MAX_BUFS, &n, why, why_len);
	uint8_t header[HEADER_BYTES];

	if (got <= 0)
		return got;
	const struct virtq_buf *st = &b[n - 1];
	if (n < 2 || b[0].writable || b[0].len < HEADER_BYTES || !st->writable || st->len < 1) {
		snprintf(why, why_len, "a request chain (head %u) without a readable header of %d bytes "
			 "and a writable status byte", head, HEADER_BYTES);
		v->broken_chains++;
		return -1;
	}
	/* virtq_pop checked each buffer with guest_io_check; copied once, then read. */
	memcpy(header, guest_io_ptr(l->mem, b[0].gpa, HEADER_BYTES), HEADER_BYTES);
	uint32_t type;
	uint64_t sector;
	memcpy(&type, header, 4);
	memcpy(&sector, header + 8, 8);
	struct virtio_blk_req *r = &v->req[head];
	*r = (struct virtio_blk_req){ .status_gpa = st->gpa + st->len - 1 };
	*req = (struct blk_request){ .id = head };
	if (n == 3) {
		req->buffer = b[1].gpa;
		req->len = b[1].len;
		r->data_len = b[1].len;
	}
	if (type == VIRTIO_BLK_T_IN && n == 3 && b[1].writable) {
		req->op = BLK_OP_READ;
		r->is_read = 1;
	} else if (type == VIRTIO_BLK_T_OUT && n == 3 && !b[1].writable) {
		req->op = BLK_OP_WRITE;
	} else if (type == VIRTIO_BLK_T_FLUSH) {
		req->op = BLK_OP_FLUSH;
	} else {
		r->unsupported = 1;   /* GET_ID, discard, ... or a data buffer the wrong way round */
		*status = LW_EINVAL;
		snprintf(why, why_len, "request type %u with %d buffers is not served", type, n);
		return 1;
	}
	if (sector > UINT64_MAX / BLK_SECTOR) {
		*status = LW_EINVAL;
		snprintf(why, why_len, "sector %llu is past any disk", (unsigned long long)sector);
		return 1;
	}
	req->offset = sector * BLK_SECTOR;
	*status = blk_check_request(req, l, why, why_len);
	return 1;
}

static void blk_respond(void *ctx, const struct blk_response *rsp)
{
	struct virtio_blk *v = ctx;
	struct virtio_blk_req *r = &v->req[rsp->id % VIRTQ_MAX_SIZE];
	uint8_t *status = guest_io_ptr(v->guest.mem, r->status_gpa, 1);
	uint32_t written = 1 + (rsp->status == 0 && r->is_read ? r->data_len : 0);

	if (status)
		*status = r->unsupported ? VIRTIO_BLK_S_UNSUPP : rsp->status ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	virtq_push(&v->vq, (uint16_t)rsp->id, written);
}

static int blk_push(void *ctx)
{
	return virtq_publish(&((struct virtio_blk *)ctx)->vq);
}

static void blk_notify(void *ctx)
{
	virtio_pci_interrupt(&((struct virtio_blk *)ctx)->vp);
}

/* Busy (not arming): no kicks wanted, the thread looks at the queue anyway. */
static int blk_waiting(void *ctx, int arm)
{
	return virtq_want_kicks(&((struct virtio_blk *)ctx)->vq, arm) != 0;
}

static void blk_broken(void *ctx)
{
	virtio_pci_needs_reset(&((struct virtio_blk *)ctx)->vp);
}

static int blk_start(void *dev, struct virtio_pci *vp, char *why, size_t why_len)
{
	struct virtio_blk *v = dev;
	const struct virtio_pci_queue *q = &vp->q[0];
	struct blk_door door = { .take = virtio_blk_take, .respond = blk_respond, .push = blk_push,
		.notify = blk_notify, .waiting = blk_waiting, .broken = blk_broken, .ctx = v };

	if (!q->enable) {
		snprintf(why, why_len, "DRIVER_OK with the request queue not enabled");
		return -1;
	}
	if (virtq_init(&v->vq, v->guest.mem, q->size, q->desc, q->driver, q->device, why, why_len) < 0)
		return -1;
	door.batch = q->size;
	return blkback_start(&v->blk, &v->guest, &door, v->kick_fd, why, why_len);
}

static void blk_reset(void *dev)
{
	struct virtio_blk *v = dev;

	blkback_halt(&v->blk);
	memset(&v->vq, 0, sizeof(v->vq));
}

const struct virtio_pci_kind virtio_blk_kind = {
	.type = 2,
	.class_code = 0x018000,   /* mass storage, other */
	.nqueues = 1,
	.features = blk_features,
	.read_config = blk_read_config,
	.start = blk_start,
	.reset = blk_reset,
};

static void no_event(void *ctx, int port)
{
	(void)ctx;
	(void)port;
}

int virtio_blk_open(struct virtio_blk *v, const char *spec, struct guest_memory *mem,
		    int kick_fd, int irq_fd, char *why, size_t why_len)
{
	if (blkback_ops.open(&v->blk, spec, 0, why, why_len) < 0)
		return -1;
	if (v->blk.share.on) {
		snprintf(why, why_len, "--disk %s: ',share' is for the built-in guest's rings only", spec);
		return -1;
	}
	v->guest = (struct pv_guest){ .mem = mem, .raise_event = no_event };
	v->kick_fd = kick_fd;
	virtio_pci_init(&v->vp, &virtio_blk_kind, v, v->blk.path, irq_fd);
	return 0;
}

void virtio_blk_close(struct virtio_blk *v)
{
	blkback_ops.stop(&v->blk);
	if (blkback_ops.release)
		blkback_ops.release(&v->blk);
}

void virtio_blk_print_stats(FILE *out, const struct virtio_blk *v, int index)
{
	blkback_ops.print_stats(out, &v->blk, index);
	fprintf(out, "  disk %d on virtio-pci: %llu interrupts, %llu broken request chains\n", index,
		(unsigned long long)v->vp.interrupts, (unsigned long long)v->broken_chains);
}
