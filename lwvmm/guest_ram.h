/*
 * Guest RAM: one memfd, mapped once in the monitor and given to KVM as
 * memory slot 0 at guest-physical address 0. A memfd (rather than anonymous
 * memory) lets later work share RAM between processes and place it on NUMA
 * nodes. What the monitor may do with guest addresses is in
 * pv-drivers/guest_memory.h.
 */
#ifndef LWVMM_GUEST_RAM_H
#define LWVMM_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>

#include "guest_memory.h"

/*
 * --mem-backing: a memfd (the default: MAP_SHARED, what later work shares
 * between processes), or private anonymous memory advised MADV_MERGEABLE so
 * that KSM can merge identical pages (it never merges memfd pages).
 */
enum guest_ram_backing { GUEST_RAM_MEMFD, GUEST_RAM_ANON };
const char *guest_ram_backing_name(enum guest_ram_backing b);

/* `owned_from`: the first guest-physical byte the guest owns (its image). */
int guest_memory_create(struct guest_memory *mem, uint64_t size, uint64_t owned_from,
			enum guest_ram_backing backing, char *why, size_t why_len);
int guest_memory_register(struct guest_memory *mem, int vm_fd, char *why, size_t why_len);
void guest_memory_destroy(struct guest_memory *mem);

/* KiB of guest RAM the guest (or the monitor for it) has touched (a memfd's blocks; anon: 0, see memmap.c). */
uint64_t guest_memory_touched_kib(const struct guest_memory *mem);

#endif
