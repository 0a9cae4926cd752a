/*
 * Guest RAM: one memfd, mapped once in the monitor and given to KVM as
 * memory slot 0 at guest-physical address 0. A memfd (rather than anonymous
 * memory) lets later work share RAM between processes and place it on NUMA
 * nodes.
 *
 * Every access the monitor makes on the guest's behalf goes through
 * guest_range_ok()/guest_ptr(), so a guest-supplied address can never make
 * the monitor read or write outside guest RAM.
 */
#ifndef LWVMM_GUEST_MEMORY_H
#define LWVMM_GUEST_MEMORY_H

#include <stdint.h>
#include <stddef.h>

struct guest_memory {
	int fd;
	uint8_t *host;   /* mapping of the whole RAM */
	uint64_t size;
};

int guest_memory_create(struct guest_memory *mem, uint64_t size, char *why, size_t why_len);
int guest_memory_register(struct guest_memory *mem, int vm_fd, char *why, size_t why_len);
void guest_memory_destroy(struct guest_memory *mem);

/* 1 when [gpa, gpa+len) lies wholly inside RAM (overflow-safe). */
int guest_range_ok(uint64_t mem_size, uint64_t gpa, uint64_t len);

/*
 * 1 when [a, a+alen) and [b, b+blen) share a byte. Both ranges must have
 * passed guest_range_ok() already, so the sums cannot overflow.
 */
static inline int guest_ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Host pointer for a validated range, or NULL. */
void *guest_ptr(const struct guest_memory *mem, uint64_t gpa, uint64_t len);

/* KiB of guest RAM the guest (or the monitor for it) has touched. */
uint64_t guest_memory_touched_kib(const struct guest_memory *mem);

#endif
