/*
 * The monitor's view of guest RAM, and the one guard on every guest address.
 *
 * RAM is one host mapping of `size` bytes at guest-physical 0. Two kinds of
 * access go through here:
 *  - guest_ptr(): the monitor's own access to pages it owns (boot
 *    information, page tables, the event channel page): in RAM, nothing more.
 *  - guest_io_ptr(): anything a guest names for I/O (a block or network
 *    buffer, a console write, a ring to attach). It may touch only RAM the
 *    guest owns: at or above `owned_from` (the image; below it lie the
 *    monitor's page tables, GDT and TSS), and never over a ring, whose
 *    indices the back ends trust only because they copy them first.
 * Every back end and the hypercall code use these, so the rule lives here
 * alone. The struct is filled by lwvmm (guest_ram.c); pv-drivers needs no
 * more of the monitor than this header.
 */
#ifndef PV_GUEST_MEMORY_H
#define PV_GUEST_MEMORY_H

#include <stdint.h>
#include <stddef.h>

#define GUEST_MAX_RINGS 16

struct guest_range {
	uint64_t gpa, bytes;
};

struct guest_memory {
	int fd;
	uint8_t *host;          /* mapping of the whole RAM */
	uint64_t size;
	uint64_t owned_from;    /* the guest owns [owned_from, size) less the rings */
	/* Attached rings, appended under the caller's lock and published by
	 * `nrings` (release), so back-end threads may check without a lock. */
	struct guest_range rings[GUEST_MAX_RINGS];
	int nrings;
	/* Called by guest_io_ptr() before I/O may touch the range (lwvmm's page
	 * replication collapses replicated pages there); NULL: nothing to do. */
	void (*before_io)(uint64_t gpa, uint64_t len);
};

/* 1 when [gpa, gpa+len) lies wholly inside a space of `size` bytes (overflow-safe). */
int guest_range_ok(uint64_t size, uint64_t gpa, uint64_t len);

/*
 * 1 when [a, a+alen) and [b, b+blen) share a byte. Both ranges must have
 * passed guest_range_ok() already, so the sums cannot overflow.
 */
static inline int guest_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The monitor's own access: a host pointer for a range inside RAM, or NULL. */
void *guest_ptr(const struct guest_memory *mem, uint64_t gpa, uint64_t len);

/*
 * Guest I/O: 0 when the guest may have the monitor read or write
 * [gpa, gpa+len), else -1 and `why` (which may be NULL) says what is wrong.
 */
int guest_io_check(const struct guest_memory *mem, uint64_t gpa, uint64_t len,
		   char *why, size_t why_len);

/* A host pointer for a range guest_io_check() accepts, or NULL. */
void *guest_io_ptr(const struct guest_memory *mem, uint64_t gpa, uint64_t len);

/*
 * Records a ring the guest attaches: it must pass guest_io_check() (so it
 * overlaps no other ring). Callers serialise attachments. Returns 0, or -1
 * with `why`.
 */
int guest_memory_add_ring(struct guest_memory *mem, uint64_t gpa, uint64_t bytes,
			  char *why, size_t why_len);

#endif
