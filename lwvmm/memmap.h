/*
 * Disco's memmap for the monitor: for each domain's guest RAM page, the host
 * frame behind it (/proc/self/pagemap), so that the monitor can say which
 * host pages more than one domain or guest page uses (KSM merged them); and
 * per domain what the kernel says of the guest RAM mapping
 * (/proc/self/smaps: Rss, Pss, KSM). Read at the end of the run for the
 * statistics.
 *
 * The PFNs are readable only through a pagemap opened with CAP_SYS_ADMIN
 * (the kernel checks the opener's capabilities): memmap_open() runs before
 * seccomp_start() drops them, and says "unavailable" with the reason when
 * they are not readable.
 */
#ifndef LWVMM_MEMMAP_H
#define LWVMM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct guest_memory;

/* One host frame that several guest pages use: who they are (the first few). */
#define MEMMAP_EXAMPLES 8
#define MEMMAP_EXAMPLE_USERS 4
struct memmap_shared_frame {
	uint64_t pfn;
	int nusers;                        /* guest pages on it (all of them) */
	struct { uint32_t domain; uint64_t gpa; } user[MEMMAP_EXAMPLE_USERS];
};

/* The frames guests share: how many, and the first few with their users. */
struct memmap_sharing {
	uint64_t frames;                   /* host frames used by 2+ guest pages (the zero page aside) */
	uint64_t same_page_frames;         /* of those: one page in each of 2+ domains, at one guest address */
	int nexamples;
	struct memmap_shared_frame example[MEMMAP_EXAMPLES];
};

struct memmap {
	int pagemap_fd;        /* -1: not opened */
	int smaps_fd;
	int pfns;              /* 1: the PFNs are readable */
	uint64_t zero_pfn;     /* the shared zero page's frame (read faults of anonymous RAM), or 0 */
	int ksm_run;           /* /sys/kernel/mm/ksm/run at the start: 0 off, 1 on, 2 unmerge, -1 none */
	char why[160];         /* why the PFNs are unavailable */
	struct memmap_sharing sharing;   /* memmap_scan(), with the PFNs */
};

/* What one domain's guest RAM looks like on the host. */
struct memmap_domain {
	int have_smaps, have_ksm_line;
	uint64_t rss_kib, pss_kib, ksm_kib;   /* smaps of the guest RAM mapping */
	uint64_t process_pss_kib;             /* every mapping of the process (the same for all domains) */
	/*
	 * What KSM merged: smaps' KSM line, or where the kernel has none (6.1,
	 * the lab's) the pages on a frame that another guest page uses too
	 * (private anonymous RAM shares frames only through KSM).
	 */
	uint64_t ksm_pages;
	const char *ksm_from;                 /* "smaps", "pagemap", or NULL: unknown */
	int have_pfns;
	uint64_t present;        /* guest pages with a host frame */
	uint64_t zero;           /* ... that is the shared zero page (never written) */
	uint64_t shared;         /* ... that another guest page (any domain) uses too */
	uint64_t cross_domain;   /* ... that a page of another domain uses too */
};

/* Before capabilities are dropped; `wanted` 0: nothing opened (no statistics). */
void memmap_open(struct memmap *mm, int wanted);
void memmap_close(struct memmap *mm);

/* Fills out[i] for each of the n domains' RAM. */
void memmap_scan(struct memmap *mm, struct guest_memory *const *mems, int n,
		 struct memmap_domain *out);

/*
 * The pure part, unit-tested: `frames` holds one entry per present guest page
 * (its host PFN, domain and guest-physical address), sorted here; adds each
 * domain's shared, cross_domain and zero counts into out[] and fills `sh`.
 */
struct memmap_frame {
	uint64_t pfn;
	uint64_t gpa;
	uint32_t domain;
};
void memmap_count_sharing(struct memmap_frame *frames, size_t nframes, uint64_t zero_pfn,
			  struct memmap_domain *out, struct memmap_sharing *sh);

/* "memmap": the shared frames' count and examples, for the totals of --stats-json. */
void memmap_json_sharing(FILE *out, const struct memmap *mm);

/* One line of the --stats text for domain `d`, and its JSON object ("memory": {...}). */
void memmap_print(FILE *out, const struct memmap *mm, const struct memmap_domain *d,
		  const char *backing);
void memmap_json(FILE *out, const struct memmap *mm, const struct memmap_domain *d,
		 const char *backing);

#endif
