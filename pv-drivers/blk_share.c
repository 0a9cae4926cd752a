/*
 * Disco's global buffer cache for one read-only disk (blk_share.h).
 *
 * Per guest page, page_of[] remembers which disk page is mapped there, so
 * that an ordinary read into such a page first puts ordinary RAM back, and
 * the end-of-run scan knows which pages to look up in the pagemap: a page
 * still on the file's page-cache page has the pagemap's "file-page" bit
 * (61); one the guest wrote to has been copied by the kernel into anonymous
 * memory and has lost it. That bit needs no capability (the PFNs do).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blk_share.h"

#define PAGE 4096ULL
#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)

/*
 * The mappings every disk of the process may make, all domains together:
 * each one can split a kernel mapping in three, and the process may hold
 * vm.max_map_count of those, so half of it is the budget (the rest is for
 * malloc, thread stacks, io_uring). Past it, reads fall back to copying.
 * LWVMM_BLK_SHARE_MAX_MAPS sets a smaller budget (tests/host/blk_share.t).
 */
static atomic_long maps_left = -1;

static long map_budget(void)
{
	const char *env = getenv("LWVMM_BLK_SHARE_MAX_MAPS");
	long max = 65530;
	char buf[32];
	int fd;

	if (env && *env)
		return atol(env);
	fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = '\0';
			max = atol(buf);
		}
		close(fd);
	}
	return max / 2;
}

int blk_share_open(struct blk_share *s, int file_fd, uint64_t file_size, int writable,
		   char *why, size_t why_len)
{
	long expected = -1;

	s->file_fd = file_fd;
	s->file_size = file_size;
	s->writable = writable;
	pthread_mutex_init(&s->lock, NULL);
	if (writable) {
		s->disk_pages = file_size / PAGE;
		s->guest_of = calloc(s->disk_pages ? s->disk_pages : 1, sizeof(*s->guest_of));
		if (!s->guest_of) {
			snprintf(why, why_len, "no memory for the sharing map of %llu disk pages",
				 (unsigned long long)s->disk_pages);
			return -1;
		}
	}
	atomic_compare_exchange_strong(&maps_left, &expected, map_budget());
	s->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (s->pagemap_fd < 0)
		snprintf(s->why, sizeof(s->why), "/proc/self/pagemap: %s", strerror(errno));
	return 0;
}

int blk_share_attach(struct blk_share *s, struct guest_memory *mem, char *why, size_t why_len)
{
	s->mem = mem;
	s->npages = mem->size / PAGE;
	s->page_of = calloc(s->npages, sizeof(*s->page_of));
	if (!s->page_of) {
		snprintf(why, why_len, "no memory for the buffer-cache sharing map of %llu pages",
			 (unsigned long long)s->npages);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * Ordinary RAM back under guest pages [first, first+n), their contents kept
 * (a private copy the guest wrote, or the file's data, stays what the guest
 * sees). memfd RAM: the memfd's pages at the same offset, MAP_SHARED, as the
 * rest of RAM; anonymous RAM: fresh anonymous pages.
 */
static int restore_run(struct blk_share *s, uint64_t first, uint64_t n)
{
	struct guest_memory *m = s->mem;
	uint8_t *at = m->host + first * PAGE;
	size_t bytes = (size_t)(n * PAGE);
	void *copy = malloc(bytes);
	void *r;

	if (!copy)
		return -1;
	memcpy(copy, at, bytes);
	if (m->fd >= 0)
		r = mmap(at, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, m->fd,
			 (off_t)(first * PAGE));
	else
		r = mmap(at, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED) {
		free(copy);
		return -1;
	}
	if (m->fd < 0)
		madvise(at, bytes, MADV_MERGEABLE);   /* as guest_ram.c's anonymous RAM */
	memcpy(at, copy, bytes);
	free(copy);
	for (uint64_t i = 0; s->guest_of && i < n; i++) {
		uint32_t d = s->page_of[first + i];
		if (d && s->guest_of[d - 1] == first + i + 1)
			s->guest_of[d - 1] = 0;
	}
	memset(&s->page_of[first], 0, (size_t)n * sizeof(*s->page_of));
	s->stats.pages_restored += n;
	return 0;
}

/* Puts ordinary RAM back under every mapped page of [gpa, gpa+len). */
static int restore_range(struct blk_share *s, uint64_t gpa, uint64_t len)
{
	uint64_t end = (gpa + len + PAGE - 1) / PAGE;

	for (uint64_t p = gpa / PAGE; p < end && p < s->npages;) {
		if (!s->page_of[p]) {
			p++;
			continue;
		}
		uint64_t q = p;
		while (q < end && q < s->npages && s->page_of[q])
			q++;
		if (restore_run(s, p, q - p) < 0)
			return -1;
		p = q;
	}
	return 0;
}

static int aligned(const struct blk_request *r)
{
	return r->len > 0 && r->len % PAGE == 0 && r->offset % PAGE == 0 && r->buffer % PAGE == 0;
}

/* Maps the file's pages for `r` over `buf`: 0, or -1 with nothing changed but the count. */
static int map_read(struct blk_share *s, const struct blk_request *r, uint8_t *buf)
{
	if (r->offset + r->len > s->file_size)
		return -1;
	/* Writable: one guest page per disk page, so that a write finds every mapping of it. */
	for (uint64_t i = 0; s->guest_of && i < r->len / PAGE; i++) {
		uint32_t g = s->guest_of[r->offset / PAGE + i];
		if (g && s->page_of[g - 1] == r->offset / PAGE + i + 1 && (g - 1 < r->buffer / PAGE || g - 1 >= (r->buffer + r->len) / PAGE) &&
		    restore_run(s, g - 1, 1) < 0)
			return -1;
	}
	if (atomic_fetch_sub(&maps_left, 1) <= 0) {
		atomic_fetch_add(&maps_left, 1);
		return -1;
	}
	if (mmap(buf, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, s->file_fd,
		 (off_t)r->offset) == MAP_FAILED) {
		/* ENOMEM: the kernel's own limit on mappings. The old mapping stays. */
		atomic_fetch_add(&maps_left, 1);
		return -1;
	}
	/* The memfd's pages under the buffer are hidden now: give them back. */
	if (s->mem->fd >= 0)
		fallocate(s->mem->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)r->buffer, r->len);
	uint64_t first = r->buffer / PAGE, n = r->len / PAGE, disk_page = r->offset / PAGE;
	for (uint64_t i = 0; i < n; i++)
		s->page_of[first + i] = (uint32_t)(disk_page + i + 1);
	for (uint64_t i = 0; s->guest_of && i < n; i++)
		s->guest_of[disk_page + i] = (uint32_t)(first + i + 1);
	s->stats.reads_mapped++;
	s->stats.pages_mapped += n;
	return 0;
}

/* Writable: the guest pages the disk pages of [offset, offset+len) are mapped at get RAM back. */
static void invalidate(struct blk_share *s, uint64_t offset, uint64_t len)
{
	uint64_t end = (offset + len + PAGE - 1) / PAGE;

	for (uint64_t d = offset / PAGE; s->guest_of && d < end && d < s->disk_pages; d++) {
		uint32_t g = s->guest_of[d];
		if (g && s->page_of[g - 1] == d + 1 && restore_run(s, g - 1, 1) == 0)
			s->stats.invalidated++;
	}
}

void blk_share_before_write(struct blk_share *s, uint64_t offset, uint64_t len)
{
	if (!s->on || !s->page_of || !s->writable)
		return;
	pthread_mutex_lock(&s->lock);
	invalidate(s, offset, len);
	pthread_mutex_unlock(&s->lock);
}

static int share_request(struct blk_share *s, const struct blk_request *r, uint8_t *buf)
{
	if (r->op == BLK_OP_WRITE) {
		invalidate(s, r->offset, r->len);
		return 0;
	}
	if (r->op != BLK_OP_READ)
		return 0;
	if (aligned(r)) {
		if (map_read(s, r, buf) == 0)
			return 1;
		s->stats.fallbacks++;
	} else {
		s->stats.unaligned++;
	}
	/*
	 * The ordinary read would write into the file mapping (and the kernel
	 * would copy the pages): put RAM back first, so what stays mapped is
	 * only what mapping served. If that fails, the read still lands (as
	 * private copies) and the scan counts those pages as copied.
	 */
	restore_range(s, r->buffer, r->len);
	return 0;
}

int blk_share_request(struct blk_share *s, const struct blk_request *r, uint8_t *buf)
{
	int served;

	if (!s->on || !s->page_of || !buf)
		return 0;
	pthread_mutex_lock(&s->lock);
	served = share_request(s, r, buf);
	pthread_mutex_unlock(&s->lock);
	return served;
}

void blk_share_scan(const struct blk_share *s, struct blk_share_scan *out)
{
	uint64_t entries[512];

	memset(out, 0, sizeof(*out));
	if (!s->page_of || s->pagemap_fd < 0)
		return;
	out->have = 1;
	for (uint64_t p = 0; p < s->npages; p += 512) {
		uint64_t n = s->npages - p < 512 ? s->npages - p : 512;
		int any = 0;
		for (uint64_t i = 0; i < n; i++)
			any |= s->page_of[p + i] != 0;
		if (!any)
			continue;
		off_t at = (off_t)(((uintptr_t)s->mem->host / PAGE + p) * sizeof(uint64_t));
		if (pread(s->pagemap_fd, entries, n * sizeof(uint64_t), at) != (ssize_t)(n * sizeof(uint64_t))) {
			out->have = 0;
			return;
		}
		for (uint64_t i = 0; i < n; i++) {
			if (!s->page_of[p + i])
				continue;
			out->mapped++;
			if (!(entries[i] & PM_PRESENT))
				out->untouched++;
			else if (entries[i] & PM_FILE)
				out->shared++;
			else
				out->cow++;
		}
	}
}

void blk_share_print(FILE *out, const struct blk_share *s)
{
	struct blk_share_scan sc;

	if (!s->on)
		return;
	blk_share_scan(s, &sc);
	fprintf(out, "    buffer-cache sharing: %llu reads mapped (%llu pages), %llu unaligned, "
		"%llu fallbacks, %llu pages copied back (%llu invalidated by writes)",
		(unsigned long long)s->stats.reads_mapped, (unsigned long long)s->stats.pages_mapped,
		(unsigned long long)s->stats.unaligned, (unsigned long long)s->stats.fallbacks,
		(unsigned long long)s->stats.pages_restored, (unsigned long long)s->stats.invalidated);
	if (sc.have)
		fprintf(out, "; now %llu pages mapped: %llu on the page cache, %llu copied on write, "
			"%llu untouched\n", (unsigned long long)sc.mapped, (unsigned long long)sc.shared,
			(unsigned long long)sc.cow, (unsigned long long)sc.untouched);
	else
		fprintf(out, "; pages now: unknown (%s)\n", s->why[0] ? s->why : "pagemap unreadable");
}

void blk_share_json(FILE *out, const struct blk_share *s)
{
	struct blk_share_scan sc;

	if (!s->on) {
		fprintf(out, "null");
		return;
	}
	blk_share_scan(s, &sc);
	fprintf(out, "{\"reads_mapped\":%llu,\"pages_mapped\":%llu,\"unaligned\":%llu,"
		"\"fallbacks\":%llu,\"pages_restored\":%llu,\"invalidated\":%llu,",
		(unsigned long long)s->stats.reads_mapped, (unsigned long long)s->stats.pages_mapped,
		(unsigned long long)s->stats.unaligned, (unsigned long long)s->stats.fallbacks,
		(unsigned long long)s->stats.pages_restored, (unsigned long long)s->stats.invalidated);
	if (sc.have)
		fprintf(out, "\"now\":{\"mapped\":%llu,\"shared\":%llu,\"cow\":%llu,\"untouched\":%llu}}",
			(unsigned long long)sc.mapped, (unsigned long long)sc.shared,
			(unsigned long long)sc.cow, (unsigned long long)sc.untouched);
	else
		fprintf(out, "\"now\":{\"unavailable\":\"%s\"}}", s->why[0] ? s->why : "pagemap unreadable");
}

void blk_share_close(struct blk_share *s)
{
	if (!s->on)
		return;
	if (s->pagemap_fd >= 0)
		close(s->pagemap_fd);
	s->pagemap_fd = -1;
	free(s->page_of);
	free(s->guest_of);
	s->page_of = NULL;
	s->guest_of = NULL;
	pthread_mutex_destroy(&s->lock);
}
