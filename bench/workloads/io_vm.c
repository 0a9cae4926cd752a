/*
 * io inside the built-in guest: the disk given with --disk, driven through
 * its shared ring (--mode ring) or its trap-and-emulate registers (--mode
 * mmio), with --qd requests in flight. Linked into the guest only; the
 * native build links io_native.c (fio) instead.
 *
 * --verify 1: writes put each sector's own byte offset in its first 8 bytes;
 * reads check it.
 *
 * --keep 1 (reads): every block is read into its own place of one region of
 * --mib (at most the disk's size), as a buffer cache keeps what it read, not
 * into the --qd buffers that are reused; with --verify 1 the whole region is
 * checked once more at the end. It is what lwvmm's --disk F,ro,share maps
 * the image's pages into (pv-drivers/blk_share.h). --scribble 1 then writes
 * the complement of each kept page's first stamp into it and checks that the
 * guest sees its own write (the host gave it a private copy). --rewrite 1
 * instead writes every kept block anew on the disk (complemented stamps,
 * from another buffer, one at a time), then checks that the kept region
 * still holds what was read and that the disk now returns the new data:
 * a write must not change a buffer the blocks were read into before.
 */
#include "io.h"

struct slot {
	uint8_t *buf;
	uint64_t offset;
	uint64_t submitted_ns;
	int flush;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static void stamp(uint8_t *buf, uint32_t len, uint64_t offset)
{
	for (uint32_t s = 0; s < len; s += 512)
		*(uint64_t *)(buf + s) = offset + s;
}

static int stamped(const uint8_t *buf, uint32_t len, uint64_t offset)
{
	for (uint32_t s = 0; s < len; s += 512) {
		if (*(const uint64_t *)(buf + s) != offset + s)
			return 0;
	}
	return 1;
}

/* One request, waited for: 0 or its error. */
static int one_request(struct wl_disk *d, int op, uint64_t offset, uint8_t *buf, uint32_t len)
{
	struct wl_disk_completion c;

	if (wl_disk_submit(d, op, 0, offset, buf, len) < 0)
		return -1;
	wl_disk_push(d);
	if (wl_disk_reap(d, &c, 1, 1) != 1)
		return -1;
	return c.status;
}

/* --rewrite: the kept blocks written anew; the number of wrong checks. */
static int rewrite_kept(struct wl_disk *d, const struct io_params *p, uint8_t *region, uint64_t kept_blocks)
{
	uint8_t *scratch = wl_alloc(p->bs);
	int bad = 0;

	if (!scratch)
		return 1;
	for (uint64_t k = 0; k < kept_blocks; k++) {
		for (uint32_t s = 0; s < p->bs; s += 512)
			*(uint64_t *)(scratch + s) = ~(k * p->bs + s);
		bad += one_request(d, WL_DISK_WRITE, k * p->bs, scratch, p->bs) != 0;
	}
	for (uint64_t k = 0; k < kept_blocks; k++)
		bad += !stamped(region + k * p->bs, p->bs, k * p->bs);
	if (bad)
		wl_eprintf("io: --rewrite: %d kept blocks changed when the disk was written\n", bad);
	for (uint64_t k = 0; k < kept_blocks && !bad; k++) {
		if (one_request(d, WL_DISK_READ, k * p->bs, scratch, p->bs) != 0 ||
		    *(uint64_t *)scratch != ~(k * p->bs)) {
			wl_eprintf("io: --rewrite: block %llu does not read back as written\n", (unsigned long long)k);
			bad++;
		}
	}
	return bad;
}

int io_run(const struct io_params *p, struct io_figures *f)
{
	static struct lat_hist hist;
	static struct slot slots[64];
	struct wl_disk_completion done[64];
	struct wl_disk_stats st;
	uint64_t size;
	int readonly, bad_data = 0;

	struct wl_disk *d = wl_disk_open(p->disk, p->trap_and_emulate, &size, &readonly);
	if (!d) {
		wl_eprintf("io: the VM has no disk %d (give lwvmm --disk FILE)\n", p->disk);
		return WL_CANNOT_RUN;
	}
	uint64_t blocks = size / p->bs;
	if (blocks == 0 || (p->write && readonly)) {
		wl_eprintf("io: disk %d is %s\n", p->disk, blocks ? "read-only" : "smaller than one block");
		return WL_CANNOT_RUN;
	}
	uint64_t kept_blocks = 0;
	uint8_t *region = 0;
	if (p->keep) {
		kept_blocks = (p->total + p->bs - 1) / p->bs;   /* as many as are read, at most the disk */
		if (kept_blocks > blocks)
			kept_blocks = blocks;
		region = wl_alloc(kept_blocks * p->bs);
		if (!region || kept_blocks == 0) {
			wl_eprintf("io: cannot allocate a region of %llu blocks for --keep\n",
				   (unsigned long long)kept_blocks);
			return 3;
		}
	}
	for (int i = 0; i < p->qd && !p->keep; i++) {
		slots[i].buf = wl_alloc(p->bs);
		if (!slots[i].buf) {
			wl_eprintf("io: cannot allocate %d buffers of %u bytes\n", p->qd, p->bs);
			return 3;
		}
	}
	uint64_t to_issue = (p->total + p->bs - 1) / p->bs, issued = 0, next_block = 0;
	int writes_since_flush = 0;
	int in_flight = 0;
	uint64_t t0 = wl_time_ns();
	while (issued < to_issue || in_flight > 0) {
		/* Fill the queue, then publish the whole batch with one push. */
		for (int i = 0; i < p->qd && issued < to_issue; i++) {
			struct slot *s = &slots[i];
			if (s->submitted_ns)
				continue;
			/* fio's fsync=N: a flush after every N writes, in the same queue. */
			s->flush = p->fsync && writes_since_flush == p->fsync;
			int op = s->flush ? WL_DISK_FLUSH : p->write ? WL_DISK_WRITE : WL_DISK_READ;
			if (!s->flush) {
				uint64_t block = p->random ? wl_random(&rng_state) % blocks : next_block++ % blocks;
				s->offset = block * p->bs;
				if (p->keep)
					s->buf = region + (block % kept_blocks) * p->bs;
				if (p->write && p->verify)
					stamp(s->buf, p->bs, s->offset);
			}
			s->submitted_ns = wl_time_ns();
			/* A flush names no data: offset, buffer and length 0. */
			if (wl_disk_submit(d, op, (uint64_t)i, s->flush ? 0 : s->offset,
					   s->flush ? 0 : s->buf, s->flush ? 0 : p->bs) < 0) {
				s->submitted_ns = 0;
				break;
			}
			issued += !s->flush;   /* --mib counts data requests only */
			writes_since_flush = s->flush ? 0 : writes_since_flush + p->write;
			in_flight++;
		}
		wl_disk_push(d);
		int n = wl_disk_reap(d, done, 64, 1);
		if (n < 0) {
			wl_eprintf("io: the disk's back end marked the ring broken\n");
			return 1;
		}
		uint64_t now = wl_time_ns();
		for (int i = 0; i < n; i++) {
			struct slot *s = &slots[done[i].id < 64 ? done[i].id : 0];
			uint64_t submitted = s->submitted_ns;
			s->submitted_ns = 0;
			in_flight--;
			if (s->flush) {   /* flushes count apart: fio reports them as sync latency */
				f->flushes++;
				f->errors += done[i].status != 0;
				continue;
			}
			lat_add(&hist, now - submitted);
			if (done[i].status)
				f->errors++;
			else
				f->bytes += p->bs;
			if (!p->write && p->verify && !done[i].status && !stamped(s->buf, p->bs, s->offset))
				bad_data++;
			f->requests++;
		}
	}
	f->seconds = (double)(wl_time_ns() - t0) / 1e9;
	/* Sequential reads: place k holds block k, every place was read. */
	if (p->keep && p->verify && !p->random) {
		for (uint64_t k = 0; k < kept_blocks; k++)
			bad_data += !stamped(region + k * p->bs, p->bs, k * p->bs);
	}
	if (p->rewrite)
		bad_data += rewrite_kept(d, p, region, kept_blocks);
	if (p->scribble) {
		uint64_t bytes = kept_blocks * p->bs;
		for (uint64_t at = 0; at < bytes; at += 4096)
			*(volatile uint64_t *)(region + at) = ~*(volatile uint64_t *)(region + at);
		for (uint64_t at = 0; p->verify && at < bytes; at += 4096) {
			if (*(volatile uint64_t *)(region + at) != ~(uint64_t)at) {
				wl_eprintf("io: --scribble: the page at %llu does not hold the guest's write\n",
					   (unsigned long long)at);
				bad_data++;
				break;
			}
		}
	}
	f->time_res_s = 1e-9;   /* the TSC, read in ns */
	f->clat_mean_ns = lat_mean(&hist);
	f->clat_p50_ns = lat_percentile(&hist, 50);
	f->clat_p99_ns = lat_percentile(&hist, 99);
	f->clat_p999_ns = lat_percentile(&hist, 99.9);
	wl_disk_get_stats(d, &st);
	f->kicks = st.kicks;
	f->sleeps = st.sleeps;
	f->events = st.events;
	f->mmio_exits = st.mmio_exits;
	f->have_ring_stats = 1;
	if (bad_data)
		wl_eprintf("io: %d blocks read back with the wrong contents\n", bad_data);
	return f->errors || bad_data;
}
