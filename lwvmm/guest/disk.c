/* The workloads' disk API (wl.h) on the block front end. */
#include "blkfront.h"
#include "evtchn.h"
#include "hypercall.h"
#include "wl.h"

struct wl_disk {
	struct blkfront front;
};

static struct wl_disk disks[LW_MAX_DEVICES];

struct wl_disk *wl_disk_open(int index, int trap_and_emulate, uint64_t *size, int *readonly)
{
	/* Disk `index` is the index-th block device (the console is device 0). */
	int dev = 0;
	for (int seen = -1; dev < (int)lw_boot->ndevices; dev++) {
		if (lw_boot->devices[dev].type == LW_DEV_BLOCK && ++seen == index)
			break;
	}
	if (index < 0 || dev >= (int)lw_boot->ndevices)
		return 0;
	struct wl_disk *d = &disks[dev];
	if (blkfront_open(&d->front, dev, trap_and_emulate) < 0)
		return 0;
	*size = d->front.size;
	*readonly = d->front.readonly;
	return d;
}

int wl_disk_submit(struct wl_disk *d, int op, uint64_t id, uint64_t offset, void *buf, uint32_t len)
{
	return blkfront_submit(&d->front, (uint32_t)op, id, offset, buf, len);
}

void wl_disk_push(struct wl_disk *d)
{
	blkfront_push(&d->front);
}

int wl_disk_reap(struct wl_disk *d, struct wl_disk_completion *c, int max, int wait)
{
	struct blk_response rsp[64];
	int n = blkfront_reap(&d->front, rsp, max < 64 ? max : 64, wait);

	for (int i = 0; i < n; i++) {
		c[i].id = rsp[i].id;
		c[i].status = rsp[i].status;
	}
	return n;
}

void wl_disk_get_stats(struct wl_disk *d, struct wl_disk_stats *s)
{
	s->kicks = d->front.kicks;
	s->sleeps = evtchn_sleeps;
	s->events = d->front.events;
	s->mmio_exits = d->front.mmio_accesses;
}
