/*
 * Transparent sharing of the disk buffer cache (Disco's global buffer
 * cache), for one block device: a page-aligned read of a read-only disk is
 * served by mapping the image file's page-cache pages over the guest's
 * buffer, MAP_PRIVATE|MAP_FIXED, instead of copying them. Every domain (and
 * every lwvmm process) that reads the same blocks then uses the same host
 * frames; a guest write to such a page gets a private copy from the host
 * kernel (copy-on-write), the file and the other domains' pages unchanged.
 *
 * Read-only disks (`--disk F,ro,share`): nothing can write the blocks, so
 * nothing shared ever has to be invalidated. Read-write disks (`--disk
 * F,share`, one domain only: lwvmm refuses a writable disk for several): a
 * write to blocks that are mapped somewhere first copies those guest pages
 * back into ordinary RAM (invalidation), as a pwrite into the file would
 * otherwise change them under the guest; each disk page is then mapped at one
 * guest page at most (mapping it again elsewhere puts the old one back first).
 * Another process writing the file is not seen.
 *
 * The guest RAM mapping stays one host range at mem->host, so every other
 * user (KVM's memory slot, the other back ends, guest_memory.h's checks)
 * sees the file's pages there without knowing. Where the RAM is a memfd, the
 * memfd's own pages under a mapped range are given back (hole punched).
 * A read the mapping cannot serve (unaligned, over the cap on mappings, an
 * mmap the kernel refused) is left to the caller's ordinary read; pages
 * mapped from the file that such a read (or any later unshared read) would
 * overwrite are first copied back into ordinary RAM.
 */
#ifndef PV_BLK_SHARE_H
#define PV_BLK_SHARE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "blkif.h"
#include "guest_memory.h"

struct blk_share_stats {
	uint64_t reads_mapped;    /* read requests served by mapping */
	uint64_t pages_mapped;    /* pages those mappings covered (counted at each mapping) */
	uint64_t unaligned;       /* reads not page-aligned: served by the ordinary read */
	uint64_t fallbacks;       /* aligned reads the mapping could not serve (cap, mmap refused) */
	uint64_t pages_restored;  /* mapped pages copied back into RAM (before an ordinary read, a write, a remap) */
	uint64_t invalidated;     /* ... of them because the disk blocks behind them were written */
};

/* What the mapped pages are now, from /proc/self/pagemap (blk_share_scan). */
struct blk_share_scan {
	int have;                 /* 0: pagemap unreadable, `why` says why */
	uint64_t mapped;          /* guest pages the file is mapped at now */
	uint64_t shared;          /* ... backed by the file's page-cache page */
	uint64_t cow;             /* ... that a write gave a private copy */
	uint64_t untouched;       /* ... not faulted in yet */
};

struct blk_share {
	int on;                   /* ",share" given */
	int writable;             /* a read-write disk: writes invalidate */
	int file_fd;              /* the disk image (O_RDONLY) */
	uint64_t file_size;       /* its real size: no mapping past it (SIGBUS) */
	int pagemap_fd;
	char why[96];             /* why the pagemap is unreadable */
	struct guest_memory *mem;
	uint32_t *page_of;        /* per guest page: 1 + the disk page mapped there, or 0 */
	uint64_t npages;
	uint32_t *guest_of;       /* writable: per disk page, 1 + the guest page it is mapped at, or 0 */
	uint64_t disk_pages;
	pthread_mutex_t lock;     /* the ring's thread and (writes, writable) the trap-and-emulate path */
	struct blk_share_stats stats;
};

/* At open, before seccomp: remembers the file, opens the pagemap. */
int blk_share_open(struct blk_share *s, int file_fd, uint64_t file_size, int writable,
		   char *why, size_t why_len);

/* At attach: the guest RAM the mappings go into. -1 with `why` when out of memory. */
int blk_share_attach(struct blk_share *s, struct guest_memory *mem, char *why, size_t why_len);

/*
 * A checked request (blk_check_request, blkback.h) about to be carried out, with `buf` its
 * host buffer: 1 when it was served here (the data is in place), 0 when the
 * caller must do the ordinary read or write.
 */
int blk_share_request(struct blk_share *s, const struct blk_request *req, uint8_t *buf);

/* Before a trap-and-emulate write (any vCPU's thread): invalidates what it overwrites. */
void blk_share_before_write(struct blk_share *s, uint64_t offset, uint64_t len);

/* At the end (RAM still mapped): what the mapped pages are now. */
void blk_share_scan(const struct blk_share *s, struct blk_share_scan *out);

void blk_share_print(FILE *out, const struct blk_share *s);
void blk_share_json(FILE *out, const struct blk_share *s);

void blk_share_close(struct blk_share *s);

#endif
