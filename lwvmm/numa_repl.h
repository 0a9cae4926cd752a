/*
 * Page replication for the built-in guest (--numa-policy replicate; Disco's
 * replication of read-shared pages, issue 11).
 *
 * A replicated page keeps its master in guest RAM and gets a replica frame
 * on each reading node; each vCPU's own page table (numa_pt.h) maps its
 * node's replica, or a read-only view of the master where its node has
 * none. Every one of those frames lies in a KVM_MEM_READONLY memory slot, so
 * while a page is replicated no vCPU has a writable mapping of it anywhere.
 *
 * Why read-only slots and not read-only PTEs (Disco downgraded TLB entries
 * to read-only): on this PVM host the guest runs at CPL3 with no exception
 * handlers, and any exception it takes, a write-protection #PF included, is
 * a triple fault (HOST.md). A write into a read-only slot instead exits to
 * the monitor as KVM_EXIT_MMIO with its address, length and data, not
 * applied (the `roslot` probe: 26-55 us an exit here). That exit is where
 * the coherence comes from: the monitor collapses the page (every vCPU's PTE
 * back to the master, the replica frames and views zapped so KVM drops its
 * shadow entries), then applies the write to the master, all before the
 * writing vCPU runs again. A vCPU that reads after the collapse refaults and
 * walks its PTE, which now names the master: it cannot read a stale copy.
 *
 * Guest-physical layout, above the doorbell (512 GiB) and below 1 TiB (the
 * lab's QEMU CPUs have 40 physical address bits): view 0 at NUMA_REPL_GPA is
 * the alias, a read-only slot over the guest RAM memfd itself (no copy: the
 * master seen read-only, for the home node's vCPUs); view 1 + n holds node
 * n's replicas, a memfd of RAM's size (sparse: only replicas use memory),
 * bound to the node with mbind where the nodes are real. A page's frame in
 * every view is at the same offset as in RAM, so an exit's address names
 * the page and no frame is ever reused for another page.
 *
 * The back-references Disco's memmap keeps are implicit here: the guest's
 * RAM mapping is the identity and each vCPU has one PTE per page
 * (numa_pt_pte()), so retargeting a page rewrites exactly ncpus PTEs.
 *
 * Locking: one mutex. The policy thread holds it for a whole period
 * (harvest, policy, replications, arming), so the pmap is never read while
 * a collapse changes it; a vCPU's write exit and a back end's I/O into a
 * replicated page take it to collapse.
 */
#ifndef LWVMM_NUMA_REPL_H
#define LWVMM_NUMA_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "numa_pt.h"
#include "pmap.h"
#include "topology.h"

#define NUMA_REPL_GPA (640ULL << 30)
#define NUMA_REPL_END (1ULL << 40)

struct vm;

enum repl_cause { REPL_BY_WRITE, REPL_BY_POLICY, REPL_BY_IO, REPL_CAUSES };

struct numa_repl_stats {
	uint64_t replications;      /* pages given replicas (first replica of a page) */
	uint64_t replicas;          /* replica frames filled (one a node) */
	uint64_t replicate_ns;      /* time in replicate, all of it */
	uint64_t refused;           /* pages the policy picked that may not be replicated (a ring) */
	uint64_t collapses[REPL_CAUSES];
	uint64_t collapse_ns;
	uint64_t write_exits;       /* guest writes into a view, applied to the master */
	uint64_t write_exit_ns;     /* their handling in the monitor, collapse included */
	uint64_t replicated_now, replicated_max;
};

/*
 * Before the first KVM_RUN: the views' memfds, mappings and read-only slots
 * (slots first_slot, first_slot + 1, ...). 0, or -1 with why (ENOTSUP-like
 * reasons: the caller reports them as unavailable, exit 69).
 */
int numa_repl_setup(struct vm *vm, struct pmap *pm, uint8_t *pt, const struct numa_pt_layout *l,
		    const struct numa_topology *t, const int *vcpu_node, int first_slot, char *why, size_t why_len);
int numa_repl_enabled(void);

void numa_repl_lock(void);
void numa_repl_unlock(void);

/* With the lock held: replicas of pfn on each node in `nodes`. Returns the replicas made. */
int numa_repl_replicate(uint64_t pfn, unsigned nodes);
/* With the lock held: pfn back to its master alone (nothing if not replicated). */
void numa_repl_collapse(uint64_t pfn, enum repl_cause cause);

/* With the lock held: zap the views of the replicated pages in [first, first + n) (the tracker's arm). */
void numa_repl_zap_views(uint64_t first, uint64_t n);

/*
 * A vCPU's MMIO exit at gpa: 1 when it lies in a view (a write collapses the
 * page and is applied to the master; a read is answered from the master), 0
 * otherwise. vcpu: the exiting vCPU's index.
 */
int numa_repl_mmio(uint64_t gpa, uint8_t *data, unsigned len, int is_write, int vcpu);

/* A back end or hypercall about to use [gpa, gpa + len) of RAM for I/O: collapse what is replicated. */
void numa_repl_before_io(uint64_t gpa, uint64_t len);

const struct numa_repl_stats *numa_repl_stats(void);
void numa_repl_destroy(void);

#endif
