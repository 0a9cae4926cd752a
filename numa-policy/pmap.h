/*
 * Disco's per-VM pmap: for each guest-physical 4 KiB page its home node,
 * decayed access counts per node (reads and writes apart), its state, its
 * replica frames per node and how often it has moved; and the back-references
 * from the page-table entries that map it (Disco's memmap), which migration
 * and replication follow to retarget mappings.
 *
 * Size: 16 bytes a page plus 4 bytes a node a page for the counters (24 for
 * two nodes: 24 MiB for a 4 GiB VM, 0.6% of its RAM), plus 16 bytes for each
 * mapping recorded (one per vCPU root that maps the page) and 8 bytes a node
 * for each replicated page. Pages are numbered by guest-physical frame
 * (gpa >> 12).
 */
#ifndef NUMA_PMAP_H
#define NUMA_PMAP_H

#include <stdint.h>

enum pmap_state {
	PAGE_PRIVATE,       /* on the node it was placed or first touched on */
	PAGE_MIGRATED,      /* moved by the policy at least once, one copy */
	PAGE_REPLICATED,    /* a master at home plus read-only replicas */
	PAGE_WRITE_SHARED,  /* written and used by several nodes: left where it is */
};

struct pmap;

/* npages guest pages, nnodes nodes (1..NUMA_MAX_NODES), all homed on node 0. NULL: no memory. */
struct pmap *pmap_create(uint64_t npages, int nnodes);
void pmap_destroy(struct pmap *pm);
uint64_t pmap_pages(const struct pmap *pm);
int pmap_nodes(const struct pmap *pm);
/* The fixed bytes a page costs with nnodes nodes (mappings and replicas apart). */
unsigned pmap_bytes_per_page(int nnodes);

/* Home node: where the master copy is. Set from the placement at start. */
int pmap_home(const struct pmap *pm, uint64_t pfn);
void pmap_set_home(struct pmap *pm, uint64_t first, uint64_t count, int node);

enum pmap_state pmap_state(const struct pmap *pm, uint64_t pfn);
void pmap_set_state(struct pmap *pm, uint64_t pfn, enum pmap_state state);
unsigned pmap_moves(const struct pmap *pm, uint64_t pfn);
/* Pages in each state (for --stats): counts[PAGE_PRIVATE..PAGE_WRITE_SHARED]. */
void pmap_count_states(const struct pmap *pm, uint64_t counts[4]);

/* Access counts: one sample adds 1 (saturating); decay shifts every count right. */
void pmap_count(struct pmap *pm, uint64_t pfn, int node, int is_write);
unsigned pmap_reads(const struct pmap *pm, uint64_t pfn, int node);
unsigned pmap_writes(const struct pmap *pm, uint64_t pfn, int node);
void pmap_decay(struct pmap *pm, unsigned shift);   /* shift >= 16: reset */

/* A per-page mark the policy uses to list each sampled page once a period. */
int pmap_test_and_mark(struct pmap *pm, uint64_t pfn);
void pmap_unmark(struct pmap *pm, uint64_t pfn);

/* Replicas: a bit per node holding one (the home never does), and its frame. */
unsigned pmap_replica_nodes(const struct pmap *pm, uint64_t pfn);
int pmap_replica_frame(const struct pmap *pm, uint64_t pfn, int node, uint64_t *frame);

/*
 * What the monitor reports once it has carried out an action. migrated: the
 * page's one copy is now on node (moves + 1, state MIGRATED). replica: a copy
 * on node in frame (an opaque handle: the monitor's host address or memfd
 * offset), state REPLICATED; the first replica of a page counts one move.
 * collapsed: the replicas are gone (the monitor freed their frames and
 * pointed every mapping at the master); the page is MIGRATED or PRIVATE again
 * as it was. 0, or -1 (bad node, no memory).
 */
int pmap_note_migrated(struct pmap *pm, uint64_t pfn, int node);
int pmap_note_replica(struct pmap *pm, uint64_t pfn, int node, uint64_t frame);
void pmap_note_collapsed(struct pmap *pm, uint64_t pfn);

/*
 * Back-references: the page-table entries (in the page table of root vcpu,
 * at pte, an opaque location: the PTE's guest-physical address for lwvmm's
 * own page tables) that map pfn. Walk them with
 *   for (uint32_t m = pmap_map_first(pm, pfn); m; m = pmap_map_next(pm, m))
 *           pmap_map_get(pm, m, &vcpu, &pte);
 */
int pmap_add_mapping(struct pmap *pm, uint64_t pfn, int vcpu, uint64_t pte);
int pmap_remove_mapping(struct pmap *pm, uint64_t pfn, int vcpu, uint64_t pte);
uint32_t pmap_map_first(const struct pmap *pm, uint64_t pfn);
uint32_t pmap_map_next(const struct pmap *pm, uint32_t m);
void pmap_map_get(const struct pmap *pm, uint32_t m, int *vcpu, uint64_t *pte);

#endif
