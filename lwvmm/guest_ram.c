#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "guest_ram.h"

const char *guest_ram_backing_name(enum guest_ram_backing b)
{
	return b == GUEST_RAM_ANON ? "anon" : "memfd";
}

/*
 * Anonymous RAM: private, so KSM may merge its identical pages (madvise
 * MERGEABLE only marks it; whether KSM runs is the host's choice,
 * /sys/kernel/mm/ksm/run, reported by memmap.c). A PROT_NONE guard page
 * follows it: two domains' RAM mapped side by side would otherwise become one
 * kernel mapping, and smaps (memmap.c) could not tell their figures apart.
 */
#define ANON_GUARD 4096ULL

static int create_anon(struct guest_memory *mem, uint64_t size, char *why, size_t why_len)
{
	mem->fd = -1;
	mem->host = mmap(NULL, size + ANON_GUARD, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem->host == MAP_FAILED) {
		snprintf(why, why_len, "cannot map %llu bytes of anonymous guest RAM: %s",
			 (unsigned long long)size, strerror(errno));
		return -1;
	}
	if (mprotect(mem->host + size, ANON_GUARD, PROT_NONE) < 0 ||
	    madvise(mem->host, size, MADV_MERGEABLE) < 0) {
		int err = errno;
		snprintf(why, why_len, "madvise(MADV_MERGEABLE) of guest RAM: %s (this kernel has no KSM?)",
			 strerror(err));
		munmap(mem->host, size + ANON_GUARD);
		mem->host = NULL;
		errno = err;
		return -1;
	}
	mem->size = size;
	return 0;
}

int guest_memory_create(struct guest_memory *mem, uint64_t size, uint64_t owned_from,
			enum guest_ram_backing backing, char *why, size_t why_len)
{
	mem->owned_from = owned_from;
	mem->nrings = 0;
	if (backing == GUEST_RAM_ANON)
		return create_anon(mem, size, why, why_len);
	mem->fd = memfd_create("lwvmm-guest-ram", MFD_CLOEXEC);
	if (mem->fd < 0) {
		snprintf(why, why_len, "memfd_create: %s", strerror(errno));
		return -1;
	}
	if (ftruncate(mem->fd, (off_t)size) < 0) {
		snprintf(why, why_len, "cannot size guest RAM to %llu bytes: %s",
			 (unsigned long long)size, strerror(errno));
		close(mem->fd);
		mem->fd = -1;
		return -1;
	}
	/* MAP_NORESERVE: pages are only allocated when the guest touches them. */
	mem->host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			 mem->fd, 0);
	if (mem->host == MAP_FAILED) {
		snprintf(why, why_len, "cannot map %llu bytes of guest RAM: %s",
			 (unsigned long long)size, strerror(errno));
		close(mem->fd);
		mem->fd = -1;
		mem->host = NULL;
		return -1;
	}
	mem->size = size;
	return 0;
}

int guest_memory_register(struct guest_memory *mem, int vm_fd, char *why, size_t why_len)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem->size,
		.userspace_addr = (uint64_t)(uintptr_t)mem->host,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		snprintf(why, why_len, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void guest_memory_destroy(struct guest_memory *mem)
{
	if (mem->host && mem->host != MAP_FAILED)
		munmap(mem->host, mem->fd < 0 ? mem->size + ANON_GUARD : mem->size);   /* anon: its guard */
	if (mem->fd >= 0)
		close(mem->fd);
	mem->host = NULL;
	mem->fd = -1;
}

uint64_t guest_memory_touched_kib(const struct guest_memory *mem)
{
	struct stat st;

	/* A memfd allocates a page when it is first touched, so its block count
	 * is the RAM the guest (or the monitor on its behalf) has used. */
	if (mem->fd < 0 || fstat(mem->fd, &st) < 0)
		return 0;
	return (uint64_t)st.st_blocks * 512 / 1024;
}
