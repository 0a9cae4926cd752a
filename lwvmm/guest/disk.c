/* The workloads' disk API (wl.h) on the block front end. */
#include "bcache.h"
#include "blkfront.h"
#include "evtchn.h"
#include "hypercall.h"
#include "wl.h"

struct wl_disk {
	struct blkfront front;
	struct bcache cache;
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
	if (op == WL_DISK_WRITE)   /* what the cache holds of those blocks is stale */
		bcache_invalidate(&d->cache, offset, len);
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

int wl_disk_cache_set(struct wl_disk *d, uint64_t limit_bytes, uint32_t block_bytes)
{
	const char *why = "";

	if (bcache_set(&d->cache, limit_bytes, block_bytes, d->front.size, &why) < 0) {
		wl_eprintf("buffer cache: %s\n", why);
		return -1;
	}
	return 0;
}

const void *wl_disk_cache_get(struct wl_disk *d, uint64_t offset)
{
	return bcache_get(&d->cache, &d->front, offset);
}

int wl_disk_cache_fill(struct wl_disk *d, uint64_t offset, uint64_t len, int qd)
{
	return bcache_fill(&d->cache, &d->front, offset, len, qd);
}

void wl_disk_cache_get_stats(struct wl_disk *d, struct wl_disk_cache_stats *s)
{
	*s = d->cache.stats;
}
