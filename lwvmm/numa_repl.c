/* Page replication for the built-in guest (numa_repl.h: the design and why). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/kvm.h>
#include <numaif.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest_memory.h"
#include "numa_repl.h"
#include "pagetable.h"
#include "vm.h"

#define PAGE 4096ULL

static struct {
	int enabled;
	struct pmap *pm;
	uint8_t *pt;
	const struct numa_pt_layout *layout;
	const int *vcpu_node;
	int ncpus, nnodes;
	struct guest_memory *mem;
	uint64_t npages, stride;
	uint8_t *alias;                      /* view 0: the RAM memfd, read-only */
	int fd[NUMA_MAX_NODES];              /* view 1 + n: node n's replicas */
	uint8_t *view[NUMA_MAX_NODES];
	uint8_t *replicated;                 /* a byte a page: 1 while replicated (read without the lock) */
	pthread_mutex_t lock;
	struct numa_repl_stats st;
} R = { .fd = { [0 ... NUMA_MAX_NODES - 1] = -1 }, .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int numa_repl_enabled(void)
{
	return R.enabled;
}

void numa_repl_lock(void)
{
	pthread_mutex_lock(&R.lock);
}

void numa_repl_unlock(void)
{
	pthread_mutex_unlock(&R.lock);
}

const struct numa_repl_stats *numa_repl_stats(void)
{
	return &R.st;
}

static uint64_t alias_gpa(uint64_t pfn)
{
	return NUMA_REPL_GPA + pfn * PAGE;
}

static uint64_t replica_gpa(int node, uint64_t pfn)
{
	return NUMA_REPL_GPA + (uint64_t)(1 + node) * R.stride + pfn * PAGE;
}

static int add_slot(int vm_fd, int slot, uint64_t gpa, uint64_t size, void *host, char *why, size_t why_len)
{
	struct kvm_userspace_memory_region region = {
		.slot = (uint32_t)slot, .flags = KVM_MEM_READONLY, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uint64_t)(uintptr_t)host,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		snprintf(why, why_len, "--numa-policy replicate: the read-only memory slot at 0x%llx: %s",
			 (unsigned long long)gpa, strerror(errno));
		return -1;
	}
	return 0;
}

int numa_repl_setup(struct vm *vm, struct pmap *pm, uint8_t *pt, const struct numa_pt_layout *l,
		    const struct numa_topology *t, const int *vcpu_node, int first_slot, char *why, size_t why_len)
{
	uint64_t size = vm->mem.size;

	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) <= 0) {
		snprintf(why, why_len, "--numa-policy replicate: this KVM has no read-only memory slots "
			 "(KVM_CAP_READONLY_MEM), which catch the guest's writes to replicas");
		return -1;
	}
	if (vm->mem.fd < 0) {
		snprintf(why, why_len, "--numa-policy replicate needs guest RAM in a memfd (--mem-backing memfd): "
			 "the master's read-only view maps it a second time");
		return -1;
	}
	R.stride = (size + (1ULL << 30) - 1) & ~((1ULL << 30) - 1);
	if (NUMA_REPL_GPA + (uint64_t)(1 + t->nnodes) * R.stride > NUMA_REPL_END) {
		snprintf(why, why_len, "--numa-policy replicate: %d nodes of %llu GiB views do not fit between "
			 "640 GiB and 1 TiB of guest-physical space; give less --mem", t->nnodes,
			 (unsigned long long)(R.stride >> 30));
		return -1;
	}
	R.pm = pm;
	R.pt = pt;
	R.layout = l;
	R.vcpu_node = vcpu_node;
	R.ncpus = l->ncpus;
	R.nnodes = t->nnodes;
	R.mem = &vm->mem;
	R.npages = size / PAGE;
	R.replicated = calloc(R.npages, 1);
	R.alias = mmap(NULL, size, PROT_READ, MAP_SHARED, vm->mem.fd, 0);
	if (!R.replicated || R.alias == MAP_FAILED) {
		R.alias = NULL;
		snprintf(why, why_len, "--numa-policy replicate: the master's read-only view: %s", strerror(errno));
		return -1;
	}
	if (add_slot(vm->vm_fd, first_slot, NUMA_REPL_GPA, size, R.alias, why, why_len) < 0)
		return -1;
	for (int n = 0; n < t->nnodes; n++) {
		char name[32];
		snprintf(name, sizeof(name), "lwvmm-replicas-node%d", n);
		R.fd[n] = memfd_create(name, MFD_CLOEXEC);
		if (R.fd[n] < 0 || ftruncate(R.fd[n], (off_t)size) < 0 ||
		    (R.view[n] = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, R.fd[n], 0)) == MAP_FAILED) {
			R.view[n] = NULL;
			snprintf(why, why_len, "--numa-policy replicate: node %d's replica memory: %s", n, strerror(errno));
			return -1;
		}
		/* Real nodes: a replica's frame is allocated on its node when the monitor copies into it. */
		if (!t->simulated && t->host_node[n] >= 0) {
			unsigned long mask[(NUMA_MAX_NODES + 63) / 64 > 16 ? (NUMA_MAX_NODES + 63) / 64 : 16] = { 0 };
			mask[t->host_node[n] / 64] |= 1UL << (t->host_node[n] % 64);
			if (mbind(R.view[n], size, MPOL_BIND, mask, sizeof(mask) * 8, 0) < 0) {
				snprintf(why, why_len, "--numa-policy replicate: mbind of node %d's replicas to host node %d: %s",
					 n, t->host_node[n], strerror(errno));
				return -1;
			}
		}
		if (add_slot(vm->vm_fd, first_slot + 1 + n, replica_gpa(n, 0), size, R.view[n], why, why_len) < 0)
			return -1;
	}
	vm->mem.before_io = numa_repl_before_io;
	R.enabled = 1;
	return 0;
}

/*
 * vCPU v's PTE for pfn to gpa, keeping its flags. Atomic: KVM sets A and D
 * in these PTEs (a locked cmpxchg) while the vCPUs run.
 */
static void set_pte(int v, uint64_t pfn, uint64_t gpa)
{
	uint64_t *pte = numa_pt_pte(R.pt, R.layout, v, pfn);
	uint64_t old = __atomic_load_n(pte, __ATOMIC_RELAXED);

	while (!__atomic_compare_exchange_n(pte, &old, (old & ~PTE_ADDR_MASK) | gpa, 0, __ATOMIC_SEQ_CST,
					    __ATOMIC_RELAXED))
		;
}

/*
 * Drops every host mapping of one page of a view (or of RAM): KVM's MMU
 * notifier takes its shadow entries with it, so the next guest access
 * refaults and walks the guest's PTE again. MADV_DONTNEED on a shared
 * mapping keeps the memfd's page; MADV_REMOVE frees it (a replica's end).
 */
static void zap(uint8_t *page, int advice)
{
	(void)madvise(page, PAGE, advice);
}

/* The guest's attached rings are written by the back ends all the time, through RAM: never replicated. */
static int in_ring(uint64_t pfn)
{
	int n = __atomic_load_n(&R.mem->nrings, __ATOMIC_ACQUIRE);

	for (int i = 0; i < n; i++)
		if (guest_ranges_overlap(pfn * PAGE, PAGE, R.mem->rings[i].gpa, R.mem->rings[i].bytes))
			return 1;
	return 0;
}

int numa_repl_replicate(uint64_t pfn, unsigned nodes)
{
	uint64_t t0 = mono_ns(), off = pfn * PAGE;
	int made = 0;

	if (!R.enabled || pfn >= R.npages || pfn < numa_pt_first_pfn())
		return 0;
	if (in_ring(pfn)) {
		R.st.refused++;
		return 0;
	}
	if (!R.replicated[pfn]) {
		/*
		 * First every vCPU onto the read-only view of the master (the very
		 * same frame, so whatever a vCPU reads meanwhile is current), then
		 * RAM's host mapping of the page zapped: from here on no vCPU can
		 * write the master without an exit, and the copies below are of
		 * its final contents. Copying first would race a vCPU still
		 * writing through its old shadow entry.
		 */
		for (int v = 0; v < R.ncpus; v++)
			set_pte(v, pfn, alias_gpa(pfn));
		__atomic_store_n(&R.replicated[pfn], 1, __ATOMIC_SEQ_CST);
		zap(R.mem->host + off, MADV_DONTNEED);
		R.st.replications++;
		if (++R.st.replicated_now > R.st.replicated_max)
			R.st.replicated_max = R.st.replicated_now;
	}
	for (int n = 0; n < R.nnodes; n++) {
		uint64_t have;
		if (!(nodes & (1u << n)) || n == pmap_home(R.pm, pfn) || pmap_replica_frame(R.pm, pfn, n, &have) == 0)
			continue;
		memcpy(R.view[n] + off, R.mem->host + off, PAGE);
		if (pmap_note_replica(R.pm, pfn, n, replica_gpa(n, pfn)) < 0) {
			zap(R.view[n] + off, MADV_REMOVE);
			continue;
		}
		made++;
		for (int v = 0; v < R.ncpus; v++)
			if (R.vcpu_node[v] == n)
				set_pte(v, pfn, replica_gpa(n, pfn));
	}
	/* The readers on the new replicas' nodes still have shadow entries for the alias: drop them. */
	zap(R.alias + off, MADV_DONTNEED);
	R.st.replicas += (uint64_t)made;
	R.st.replicate_ns += mono_ns() - t0;
	if (!made && !pmap_replica_nodes(R.pm, pfn))
		numa_repl_collapse(pfn, REPL_BY_POLICY);   /* no memory for a replica: back to one copy */
	return made;
}

void numa_repl_collapse(uint64_t pfn, enum repl_cause cause)
{
	uint64_t t0 = mono_ns(), off = pfn * PAGE;

	if (!R.enabled || pfn >= R.npages || !R.replicated[pfn])
		return;
	/*
	 * Every PTE back to the master first, then every view of the page
	 * zapped: once the zaps return, no vCPU holds a shadow entry for a
	 * replica or the alias, and its next access walks a PTE that names
	 * RAM. The caller applies a write only after this.
	 */
	for (int v = 0; v < R.ncpus; v++)
		set_pte(v, pfn, off);
	zap(R.alias + off, MADV_DONTNEED);
	for (int n = 0; n < R.nnodes; n++) {
		uint64_t frame;
		if (pmap_replica_frame(R.pm, pfn, n, &frame) == 0)
			zap(R.view[n] + off, MADV_REMOVE);
	}
	pmap_note_collapsed(R.pm, pfn);
	__atomic_store_n(&R.replicated[pfn], 0, __ATOMIC_SEQ_CST);
	R.st.replicated_now--;
	R.st.collapses[cause]++;
	R.st.collapse_ns += mono_ns() - t0;
}

void numa_repl_zap_views(uint64_t first, uint64_t n)
{
	if (!R.enabled)
		return;
	for (uint64_t p = first; p < first + n && p < R.npages; p++) {
		if (!R.replicated[p])
			continue;
		zap(R.alias + p * PAGE, MADV_DONTNEED);
		for (int k = 0; k < R.nnodes; k++) {
			uint64_t frame;
			if (pmap_replica_frame(R.pm, p, k, &frame) == 0)
				zap(R.view[k] + p * PAGE, MADV_DONTNEED);
		}
	}
}

int numa_repl_mmio(uint64_t gpa, uint8_t *data, unsigned len, int is_write, int vcpu)
{
	uint64_t t0, off, pfn;

	if (!R.enabled || gpa < NUMA_REPL_GPA || gpa >= NUMA_REPL_GPA + (uint64_t)(1 + R.nnodes) * R.stride)
		return 0;
	off = (gpa - NUMA_REPL_GPA) % R.stride;
	if (off >= R.npages * PAGE || len > 8 || off + len > R.npages * PAGE)
		return 0;   /* a hole between views: the caller reports it as a fault */
	pfn = off / PAGE;
	t0 = mono_ns();
	pthread_mutex_lock(&R.lock);
	if (is_write) {
		numa_repl_collapse(pfn, REPL_BY_WRITE);
		/* The policy must not replicate it again at once: the write counts. */
		pmap_count(R.pm, pfn, R.vcpu_node[vcpu], 1);
		memcpy(R.mem->host + off, data, len);
		R.st.write_exits++;
		R.st.write_exit_ns += mono_ns() - t0;
	} else {
		memcpy(data, R.mem->host + off, len);
	}
	pthread_mutex_unlock(&R.lock);
	return 1;
}

void numa_repl_before_io(uint64_t gpa, uint64_t len)
{
	if (!R.enabled || !len || gpa >= R.npages * PAGE)
		return;
	uint64_t last = (gpa + len - 1) / PAGE < R.npages ? (gpa + len - 1) / PAGE : R.npages - 1;
	for (uint64_t p = gpa / PAGE; p <= last; p++) {
		if (!__atomic_load_n(&R.replicated[p], __ATOMIC_SEQ_CST))
			continue;
		pthread_mutex_lock(&R.lock);
		numa_repl_collapse(p, REPL_BY_IO);
		pmap_count(R.pm, p, pmap_home(R.pm, p), 1);
		pthread_mutex_unlock(&R.lock);
	}
}

void numa_repl_destroy(void)
{
	uint64_t size = R.npages * PAGE;

	if (R.alias)
		munmap(R.alias, size);
	for (int n = 0; n < NUMA_MAX_NODES; n++) {
		if (R.view[n])
			munmap(R.view[n], size);
		if (R.fd[n] >= 0)
			close(R.fd[n]);
		R.view[n] = NULL;
		R.fd[n] = -1;
	}
	free(R.replicated);
	R.alias = NULL;
	R.replicated = NULL;
	R.enabled = 0;
}
