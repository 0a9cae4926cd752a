/*
 * The guest's buffer cache (bcache.h): a hash of block numbers to slots,
 * evicted by a clock; misses are read through the block front end, up to
 * `qd` at a time when filling a range.
 */
#include "bcache.h"

#define PENDING 0x80000000u   /* in `referenced`: a read into the slot is in flight */

static uint32_t bucket_of(const struct bcache *c, uint64_t block)
{
	return (uint32_t)((block * 0x9e3779b97f4a7c15ULL) >> 32) & (c->nbuckets - 1);
}

int bcache_set(struct bcache *c, uint64_t limit, uint32_t block_bytes, uint64_t disk_size,
	       const char **why)
{
	if (c->block_bytes) {
		*why = "the disk's cache is set already";
		return -1;
	}
	if (block_bytes < 4096 || block_bytes > (2u << 20) || (block_bytes & (block_bytes - 1))) {
		*why = "a cache block must be a power of two from 4 KiB to 2 MiB";
		return -1;
	}
	uint64_t nslots = limit / block_bytes;
	if (nslots == 0 || nslots > (1u << 24)) {
		*why = "the cache must hold 1 to 16M blocks";
		return -1;
	}
	/* A cache larger than the disk would only hold empty slots. */
	uint64_t disk_blocks = (disk_size + block_bytes - 1) / block_bytes;
	if (nslots > disk_blocks)
		nslots = disk_blocks ? disk_blocks : 1;
	uint32_t nbuckets = 1;
	while (nbuckets < 2 * nslots)
		nbuckets <<= 1;
	c->slots = wl_alloc(nslots * sizeof(*c->slots));
	c->bucket_plus1 = wl_alloc(nbuckets * sizeof(*c->bucket_plus1));
	/*
	 * Every block's buffer at once, aligned to the block: a 2 MiB block is
	 * then one 2 MiB guest page, which the host can back with one huge
	 * page-cache page when it is shared (one fault instead of 512). Fresh
	 * guest RAM costs the host nothing until it is touched.
	 */
	uint8_t *pool = wl_alloc(nslots * block_bytes + block_bytes - 4096);
	if (!c->slots || !c->bucket_plus1 || !pool) {
		*why = "no guest memory for the cache";
		return -1;
	}
	pool = (uint8_t *)(((uintptr_t)pool + block_bytes - 1) & ~(uintptr_t)(block_bytes - 1));
	for (uint64_t i = 0; i < nslots; i++)
		c->slots[i].buf = pool + i * block_bytes;
	c->block_bytes = block_bytes;
	c->nslots = (uint32_t)nslots;
	c->nbuckets = nbuckets;
	c->stats.limit_bytes = nslots * block_bytes;
	c->stats.block_bytes = block_bytes;
	return 0;
}

static int lookup(const struct bcache *c, uint64_t block)
{
	for (uint32_t s = c->bucket_plus1[bucket_of(c, block)]; s; s = c->slots[s - 1].next_plus1) {
		if (c->slots[s - 1].block_plus1 == block + 1)
			return (int)s - 1;
	}
	return -1;
}

static void unlink_slot(struct bcache *c, uint32_t i)
{
	uint32_t *link = &c->bucket_plus1[bucket_of(c, c->slots[i].block_plus1 - 1)];

	while (*link && *link != i + 1)
		link = &c->slots[*link - 1].next_plus1;
	if (*link)
		*link = c->slots[i].next_plus1;
	c->slots[i].block_plus1 = 0;
	c->slots[i].next_plus1 = 0;
	c->stats.blocks--;
}

/* A slot for a new block: a free one, or the clock's victim; -1 when every slot is in flight. */
static int take_slot(struct bcache *c)
{
	for (uint32_t step = 0; step < 2 * c->nslots + 1; step++) {
		uint32_t i = c->hand;
		struct bcache_slot *s = &c->slots[i];

		c->hand = (c->hand + 1) % c->nslots;
		if (s->referenced & PENDING)
			continue;
		if (s->block_plus1 && s->referenced) {
			s->referenced = 0;   /* a second chance */
			continue;
		}
		if (s->block_plus1) {
			unlink_slot(c, i);
			c->stats.evictions++;
		}
		return (int)i;
	}
	return -1;
}

static void insert(struct bcache *c, uint32_t i, uint64_t block)
{
	uint32_t b = bucket_of(c, block);

	c->slots[i].block_plus1 = block + 1;
	c->slots[i].next_plus1 = c->bucket_plus1[b];
	c->slots[i].referenced = PENDING | 1;
	c->bucket_plus1[b] = i + 1;
	c->stats.blocks++;
}

/* Completions of the fill's reads; the number reaped, -1 when the ring broke. */
static int complete(struct bcache *c, struct blkfront *f, int *errors)
{
	struct blk_response rsp[64];
	int n = blkfront_reap(f, rsp, 64, 1);

	for (int k = 0; k < n; k++) {
		uint32_t i = (uint32_t)rsp[k].id;
		if (i >= c->nslots)
			continue;
		c->slots[i].referenced &= ~PENDING;
		if (rsp[k].status) {   /* nothing valid was read: the block is not cached */
			unlink_slot(c, i);
			++*errors;
		}
	}
	return n;
}

int bcache_fill(struct bcache *c, struct blkfront *f, uint64_t offset, uint64_t len, int qd)
{
	if (!c->block_bytes || len == 0)
		return -1;
	uint64_t first = offset / c->block_bytes;
	uint64_t end = (offset + len + c->block_bytes - 1) / c->block_bytes;
	uint64_t disk_blocks = (f->size + c->block_bytes - 1) / c->block_bytes;
	int in_flight = 0, errors = 0;

	if (end > disk_blocks)
		end = disk_blocks;
	if (qd < 1)
		qd = 1;
	if ((uint32_t)qd > c->nslots)
		qd = (int)c->nslots;
	for (uint64_t b = first; b < end || in_flight > 0;) {
		int queued = 0;
		while (b < end && in_flight < qd) {
			int i = lookup(c, b);
			if (i >= 0) {
				c->slots[i].referenced |= 1;
				b++;
				continue;
			}
			if ((i = take_slot(c)) < 0)
				break;   /* every slot in flight: wait for some */
			uint64_t at = b * c->block_bytes;
			uint32_t n = f->size - at < c->block_bytes ? (uint32_t)(f->size - at) : c->block_bytes;
			insert(c, (uint32_t)i, b);
			if (blkfront_submit(f, 1 /* BLK_OP_READ */, (uint64_t)i, at, c->slots[i].buf, n) < 0) {
				unlink_slot(c, (uint32_t)i);   /* the ring is full: wait */
				c->slots[i].referenced = 0;
				break;
			}
			c->stats.reads++;
			in_flight++;
			queued++;
			b++;
		}
		if (queued)
			blkfront_push(f);
		if (in_flight == 0)
			break;   /* nothing could be queued, nothing to wait for */
		int n = complete(c, f, &errors);
		if (n < 0)
			return -1;
		in_flight -= n;
	}
	return errors ? -1 : 0;
}

const uint8_t *bcache_get(struct bcache *c, struct blkfront *f, uint64_t offset)
{
	if (!c->block_bytes || offset >= f->size)
		return 0;
	uint64_t block = offset / c->block_bytes;
	int i = lookup(c, block);
	if (i >= 0) {
		c->stats.hits++;
		c->slots[i].referenced |= 1;
		return c->slots[i].buf;
	}
	c->stats.misses++;
	if (bcache_fill(c, f, block * c->block_bytes, 1, 1) < 0 || (i = lookup(c, block)) < 0)
		return 0;
	return c->slots[i].buf;
}

void bcache_invalidate(struct bcache *c, uint64_t offset, uint64_t len)
{
	if (!c->block_bytes || len == 0)
		return;
	for (uint64_t b = offset / c->block_bytes; b <= (offset + len - 1) / c->block_bytes; b++) {
		int i = lookup(c, b);
		if (i >= 0 && !(c->slots[i].referenced & PENDING)) {
			unlink_slot(c, (uint32_t)i);
			c->slots[i].referenced = 0;
			c->stats.invalidations++;
		}
	}
}
