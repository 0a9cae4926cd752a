/*
 * The library OS's buffer cache (issue 12): disk blocks the guest has read
 * stay in guest RAM, up to a limit the workload sets, as IRIX's buffer cache
 * kept them in Disco's runs. Each block has its own page-aligned buffer, so
 * a read of it on a `--disk F,ro,share` disk is served by lwvmm mapping the
 * image's page-cache pages there (pv-drivers/blk_share.h): domains that cache
 * the same blocks share host frames. One thread (vCPU) at a time uses it.
 */
#ifndef GUEST_BCACHE_H
#define GUEST_BCACHE_H

#include <stdint.h>

#include "blkfront.h"
#include "wl.h"

struct bcache_slot {
	uint64_t block_plus1;    /* 0: free */
	uint8_t *buf;            /* its block's place in the pool, aligned to the block */
	uint32_t next_plus1;     /* the next slot in its hash bucket */
	uint32_t referenced;     /* the clock's bit */
};

struct bcache {
	uint32_t block_bytes;    /* 0: no cache set */
	uint32_t nslots;
	uint32_t nbuckets;       /* a power of two */
	uint32_t hand;           /* the clock */
	struct bcache_slot *slots;
	uint32_t *bucket_plus1;
	struct wl_disk_cache_stats stats;
};

/* 0, or -1 (bad sizes, set already, no memory: `why` says which). */
int bcache_set(struct bcache *c, uint64_t limit, uint32_t block_bytes, uint64_t disk_size,
	       const char **why);
const uint8_t *bcache_get(struct bcache *c, struct blkfront *f, uint64_t offset);
int bcache_fill(struct bcache *c, struct blkfront *f, uint64_t offset, uint64_t len, int qd);
/* A write to [offset, offset+len) was submitted: cached blocks there are dropped. */
void bcache_invalidate(struct bcache *c, uint64_t offset, uint64_t len);

#endif
