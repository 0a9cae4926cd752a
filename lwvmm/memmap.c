/*
 * The memmap (memmap.h). pagemap entries are 64-bit: bit 63 present, bits
 * 0-54 the PFN (0 without CAP_SYS_ADMIN at open). smaps is read in place with
 * pread from an fd opened before the confinement (the main thread's filter
 * has no openat without --stats-json).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_memory.h"
#include "memmap.h"

#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define PAGE 4096ULL

static int read_ksm_run(void)
{
	char buf[8] = "";
	int fd = open("/sys/kernel/mm/ksm/run", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static int pagemap_entry(int fd, const void *addr, uint64_t *entry)
{
	off_t at = (off_t)((uintptr_t)addr / PAGE * 8);

	return pread(fd, entry, 8, at) == 8 ? 0 : -1;
}

/* The zero page's frame: a fresh anonymous page, read but never written, maps it. */
static uint64_t find_zero_pfn(int fd)
{
	volatile uint8_t *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e = 0;

	if (p == MAP_FAILED)
		return 0;
	(void)p[0];
	if (pagemap_entry(fd, (const void *)p, &e) < 0 || !(e & PM_PRESENT))
		e = 0;
	munmap((void *)p, PAGE);
	return e & PM_PFN_MASK;
}

void memmap_open(struct memmap *mm, int wanted)
{
	uint64_t e = 0;

	*mm = (struct memmap){ .pagemap_fd = -1, .smaps_fd = -1, .ksm_run = -1 };
	snprintf(mm->why, sizeof(mm->why), "not read");
	if (!wanted)
		return;
	mm->ksm_run = read_ksm_run();
	mm->smaps_fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	mm->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (mm->pagemap_fd < 0) {
		snprintf(mm->why, sizeof(mm->why), "/proc/self/pagemap: %s", strerror(errno));
		return;
	}
	/* Our own stack is present: a PFN of 0 there means the kernel hides them. */
	if (pagemap_entry(mm->pagemap_fd, &e, &e) < 0 || !(e & PM_PRESENT) || !(e & PM_PFN_MASK)) {
		snprintf(mm->why, sizeof(mm->why), "host frame numbers unreadable (pagemap needs CAP_SYS_ADMIN)");
		return;
	}
	mm->pfns = 1;
	mm->zero_pfn = find_zero_pfn(mm->pagemap_fd);
}

void memmap_close(struct memmap *mm)
{
	if (mm->pagemap_fd >= 0)
		close(mm->pagemap_fd);
	if (mm->smaps_fd >= 0)
		close(mm->smaps_fd);
	mm->pagemap_fd = mm->smaps_fd = -1;
}

static int frame_before(const struct memmap_frame *x, const struct memmap_frame *y)
{
	if (x->pfn != y->pfn)
		return x->pfn < y->pfn;
	return x->domain != y->domain ? x->domain < y->domain : x->gpa < y->gpa;
}

static void sift_down(struct memmap_frame *f, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		if (child + 1 < n && frame_before(&f[child], &f[child + 1]))
			child++;
		if (!frame_before(&f[root], &f[child]))
			return;
		struct memmap_frame t = f[root];
		f[root] = f[child];
		f[child] = t;
	}
}

/*
 * A heap sort by (pfn, domain), not qsort(): glibc's qsort asks sysinfo()
 * for the machine's memory, a call the main thread's seccomp filter forbids.
 */
static void sort_frames(struct memmap_frame *f, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(f, i, n);
	for (size_t end = n; end-- > 1;) {
		struct memmap_frame t = f[0];
		f[0] = f[end];
		f[end] = t;
		sift_down(f, 0, end);
	}
}

/* A shared frame's users, the first few kept as an example. */
static void note_shared(struct memmap_sharing *sh, const struct memmap_frame *f, size_t n)
{
	sh->frames++;
	if (sh->nexamples >= MEMMAP_EXAMPLES)
		return;
	struct memmap_shared_frame *e = &sh->example[sh->nexamples++];
	e->pfn = f[0].pfn;
	e->nusers = (int)n;
	for (size_t k = 0; k < n && k < MEMMAP_EXAMPLE_USERS; k++) {
		e->user[k].domain = f[k].domain;
		e->user[k].gpa = f[k].gpa;
	}
}

/* Disco's case: the same guest page of several domains on one frame (sorted by domain). */
static int same_page(const struct memmap_frame *f, size_t n)
{
	for (size_t k = 1; k < n; k++) {
		if (f[k].domain == f[k - 1].domain || f[k].gpa != f[0].gpa)
			return 0;
	}
	return 1;
}

void memmap_count_sharing(struct memmap_frame *frames, size_t nframes, uint64_t zero_pfn,
			  struct memmap_domain *out, struct memmap_sharing *sh)
{
	*sh = (struct memmap_sharing){ 0 };
	sort_frames(frames, nframes);
	for (size_t i = 0; i < nframes;) {
		size_t j = i + 1;
		while (j < nframes && frames[j].pfn == frames[i].pfn)
			j++;
		/* sorted by domain within a frame: several domains iff first and last differ */
		int domains = frames[i].domain != frames[j - 1].domain;
		if (j - i > 1 && !(zero_pfn && frames[i].pfn == zero_pfn)) {
			note_shared(sh, &frames[i], j - i);
			if (domains && same_page(&frames[i], j - i))
				sh->same_page_frames++;
		}
		for (size_t k = i; k < j; k++) {
			struct memmap_domain *d = &out[frames[k].domain];
			if (zero_pfn && frames[k].pfn == zero_pfn) {
				d->zero++;
				continue;
			}
			if (j - i > 1)
				d->shared++;
			if (domains)
				d->cross_domain++;
		}
		i = j;
	}
}

/* One domain's present pages into frames[]; returns how many, or -1. */
static long collect(int fd, const struct guest_memory *mem, uint32_t domain, struct memmap_frame *frames)
{
	uint64_t entries[512];
	uint64_t pages = mem->size / PAGE;
	long n = 0;

	for (uint64_t first = 0; first < pages; first += 512) {
		uint64_t count = pages - first < 512 ? pages - first : 512;
		off_t at = (off_t)(((uintptr_t)mem->host / PAGE + first) * 8);
		if (pread(fd, entries, count * 8, at) != (ssize_t)(count * 8))
			return -1;
		for (uint64_t k = 0; k < count; k++) {
			if (entries[k] & PM_PRESENT)
				frames[n++] = (struct memmap_frame){ .pfn = entries[k] & PM_PFN_MASK,
								     .gpa = (first + k) * PAGE, .domain = domain };
		}
	}
	return n;
}

/*
 * smaps is a text file of mappings: "START-END perms ..." then "Key: N kB"
 * lines. Guest RAM is one mapping, or several where a disk's ,share mapped
 * image pages over parts of it (pv-drivers/blk_share.h): every mapping inside
 * [start, start+size) is added up.
 */
static void read_smaps(int fd, const void *start, uint64_t size, struct memmap_domain *d)
{
	size_t cap = 1 << 20, used = 0;
	char *buf = malloc(cap + 1);
	uintptr_t lo = (uintptr_t)start, hi = lo + size;
	int inside = 0;
	ssize_t r;

	if (!buf)
		return;
	while ((r = pread(fd, buf + used, cap - used, (off_t)used)) > 0) {
		used += (size_t)r;
		if (used == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	buf[used] = 0;
	for (char *line = buf; line && *line;) {
		char *next = strchr(line, '\n');
		unsigned long a, b;
		unsigned long long v;
		/* A mapping's "start-end" line (keys start upper-case) */
		if (((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')) &&
		    sscanf(line, "%lx-%lx", &a, &b) == 2) {
			inside = a >= lo && b <= hi;
			d->have_smaps |= inside;
		} else if (inside && sscanf(line, "Rss: %llu kB", &v) == 1) {
			d->rss_kib += v;
		} else if (sscanf(line, "Pss: %llu kB", &v) == 1) {
			d->process_pss_kib += v;
			d->pss_kib += inside ? v : 0;
		} else if (inside && sscanf(line, "KSM: %llu kB", &v) == 1) {
			d->ksm_kib += v;
			d->have_ksm_line = 1;
		}
		line = next ? next + 1 : NULL;
	}
	free(buf);
}

static void scan_frames(struct memmap *mm, struct guest_memory *const *mems, int n, struct memmap_domain *out,
			uint64_t total);

void memmap_scan(struct memmap *mm, struct guest_memory *const *mems, int n, struct memmap_domain *out)
{
	uint64_t total = 0;

	for (int i = 0; i < n; i++) {
		out[i] = (struct memmap_domain){ 0 };
		if (mm->smaps_fd >= 0 && mems[i]->host)
			read_smaps(mm->smaps_fd, mems[i]->host, mems[i]->size, &out[i]);
		total += mems[i]->size / PAGE;
	}
	if (mm->pfns)
		scan_frames(mm, mems, n, out, total);
	for (int i = 0; i < n; i++) {
		if (out[i].have_ksm_line) {
			out[i].ksm_pages = out[i].ksm_kib / 4;
			out[i].ksm_from = "smaps";
		} else if (out[i].have_pfns) {
			out[i].ksm_pages = out[i].shared;
			out[i].ksm_from = "pagemap";
		}
	}
}

static void scan_frames(struct memmap *mm, struct guest_memory *const *mems, int n, struct memmap_domain *out,
			uint64_t total)
{
	struct memmap_frame *frames;
	size_t nframes = 0;

	frames = malloc(total * sizeof(*frames));
	if (!frames) {
		snprintf(mm->why, sizeof(mm->why), "no memory for %llu entries", (unsigned long long)total);
		mm->pfns = 0;
		return;
	}
	for (int i = 0; i < n; i++) {
		long got = mems[i]->host ? collect(mm->pagemap_fd, mems[i], (uint32_t)i, frames + nframes) : 0;
		if (got < 0) {
			snprintf(mm->why, sizeof(mm->why), "reading /proc/self/pagemap: %s", strerror(errno));
			mm->pfns = 0;
			free(frames);
			return;
		}
		out[i].have_pfns = 1;
		out[i].present = (uint64_t)got;
		nframes += (size_t)got;
	}
	memmap_count_sharing(frames, nframes, mm->zero_pfn, out, &mm->sharing);
	free(frames);
}

void memmap_json_sharing(FILE *out, const struct memmap *mm)
{
	const struct memmap_sharing *sh = &mm->sharing;

	if (!mm->pfns) {
		fprintf(out, "\"memmap\":{\"unavailable\":\"%s\"}", mm->why);
		return;
	}
	fprintf(out, "\"memmap\":{\"shared_frames\":%llu,\"same_page_frames\":%llu,\"examples\":[",
		(unsigned long long)sh->frames, (unsigned long long)sh->same_page_frames);
	for (int i = 0; i < sh->nexamples; i++) {
		const struct memmap_shared_frame *e = &sh->example[i];
		fprintf(out, "%s{\"pfn\":%llu,\"users\":%d,\"pages\":[", i ? "," : "",
			(unsigned long long)e->pfn, e->nusers);
		for (int k = 0; k < e->nusers && k < MEMMAP_EXAMPLE_USERS; k++)
			fprintf(out, "%s{\"domain\":%u,\"gpa\":%llu}", k ? "," : "", e->user[k].domain,
				(unsigned long long)e->user[k].gpa);
		fprintf(out, "]}");
	}
	fprintf(out, "]}");
}

/* What KSM did for this RAM, in words: never silently 0. */
static const char *ksm_state(const struct memmap *mm, const char *backing)
{
	if (strcmp(backing, "anon") != 0)
		return "KSM never merges memfd RAM (--mem-backing anon)";
	if (mm->ksm_run < 0)
		return "KSM unavailable (no /sys/kernel/mm/ksm)";
	if (mm->ksm_run == 0)
		return "KSM off (/sys/kernel/mm/ksm/run is 0)";
	return NULL;
}

void memmap_print(FILE *out, const struct memmap *mm, const struct memmap_domain *d, const char *backing)
{
	const char *ksm = ksm_state(mm, backing);

	fprintf(out, "  memory: %s RAM", backing);
	if (d->have_smaps)
		fprintf(out, ", rss %.1f MiB, pss %.1f MiB", d->rss_kib / 1024.0, d->pss_kib / 1024.0);
	if (ksm)
		fprintf(out, "; %s", ksm);
	else if (d->ksm_from)
		fprintf(out, "; KSM merged %llu pages (%s)", (unsigned long long)d->ksm_pages, d->ksm_from);
	else
		fprintf(out, "; KSM merged: unknown (no KSM line in smaps, no frame numbers)");
	if (d->have_pfns)
		fprintf(out, "; memmap: %llu pages present, %llu share a host frame (%llu with another domain), %llu zero page\n",
			(unsigned long long)d->present, (unsigned long long)d->shared,
			(unsigned long long)d->cross_domain, (unsigned long long)d->zero);
	else
		fprintf(out, "; memmap unavailable: %s\n", mm->why);
}

void memmap_json(FILE *out, const struct memmap *mm, const struct memmap_domain *d, const char *backing)
{
	const char *ksm = ksm_state(mm, backing);

	fprintf(out, "\"memory\":{\"backing\":\"%s\"", backing);
	if (d->have_smaps)
		fprintf(out, ",\"rss_kib\":%llu,\"pss_kib\":%llu,\"process_pss_kib\":%llu",
			(unsigned long long)d->rss_kib, (unsigned long long)d->pss_kib,
			(unsigned long long)d->process_pss_kib);
	if (ksm)
		fprintf(out, ",\"ksm\":\"%s\"", ksm);
	else if (d->ksm_from)
		fprintf(out, ",\"ksm\":\"on\",\"ksm_merged_pages\":%llu,\"ksm_merged_from\":\"%s\"",
			(unsigned long long)d->ksm_pages, d->ksm_from);
	else
		fprintf(out, ",\"ksm\":\"on\",\"ksm_merged_pages\":null,\"ksm_merged_unknown\":"
			"\"no KSM line in smaps, no frame numbers\"");
	if (d->have_pfns)
		fprintf(out, ",\"memmap\":{\"present\":%llu,\"shared\":%llu,\"cross_domain\":%llu,\"zero\":%llu}}",
			(unsigned long long)d->present, (unsigned long long)d->shared,
			(unsigned long long)d->cross_domain, (unsigned long long)d->zero);
	else
		fprintf(out, ",\"memmap\":{\"unavailable\":\"%s\"}}", mm->why);
}
