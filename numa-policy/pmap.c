/* Disco's per-VM pmap (pmap.h). */
#include <stdlib.h>
#include <string.h>

#include "pmap.h"
#include "topology.h"

enum { PMAP_MARK = 1, PMAP_WAS_MIGRATED = 2 };

/* 16 bytes: the fixed part of every page. */
struct pmap_page {
	uint8_t home;
	uint8_t state;
	uint8_t moves;          /* saturates at 255 */
	uint8_t flags;          /* PMAP_MARK, PMAP_WAS_MIGRATED */
	uint16_t replicas;      /* a bit per node holding a replica */
	uint16_t unused;
	uint32_t map_head;      /* first mapping in the pool, 0: none */
	uint32_t replica_slot;  /* index + 1 into the replica frames, 0: none */
};

/* One back-reference: vcpu's page table maps the page at pte. */
struct pmap_mapping {
	uint64_t pte;
	uint32_t next;          /* next mapping of the same page, 0: last */
	int32_t vcpu;
};

struct pmap {
	uint64_t npages;
	int nnodes;
	struct pmap_page *page;
	uint16_t *counts;               /* [page][node][read, write] */
	struct pmap_mapping *map;       /* pool, entry 0 unused so that 0 means none */
	uint32_t nmap, map_cap, map_free;
	uint64_t *frames;               /* replica frames, nnodes a slot */
	uint32_t nslots, slot_cap, slot_free;   /* a freed slot keeps the next free one in frames[0] */
};

unsigned pmap_bytes_per_page(int nnodes)
{
	return sizeof(struct pmap_page) + 2 * sizeof(uint16_t) * nnodes;
}

struct pmap *pmap_create(uint64_t npages, int nnodes)
{
	struct pmap *pm;

	if (nnodes < 1 || nnodes > NUMA_MAX_NODES || npages == 0 || npages > UINT32_MAX)
		return NULL;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return NULL;
	pm->npages = npages;
	pm->nnodes = nnodes;
	pm->page = calloc(npages, sizeof(*pm->page));
	pm->counts = calloc(npages * 2 * nnodes, sizeof(*pm->counts));
	if (!pm->page || !pm->counts) {
		pmap_destroy(pm);
		return NULL;
	}
	pm->nmap = 1;
	pm->nslots = 1;
	return pm;
}

void pmap_destroy(struct pmap *pm)
{
	if (!pm)
		return;
	free(pm->page);
	free(pm->counts);
	free(pm->map);
	free(pm->frames);
	free(pm);
}

uint64_t pmap_pages(const struct pmap *pm)
{
	return pm->npages;
}

int pmap_nodes(const struct pmap *pm)
{
	return pm->nnodes;
}

int pmap_home(const struct pmap *pm, uint64_t pfn)
{
	return pm->page[pfn].home;
}

void pmap_set_home(struct pmap *pm, uint64_t first, uint64_t count, int node)
{
	for (uint64_t p = first; p < first + count && p < pm->npages; p++)
		pm->page[p].home = (uint8_t)node;
}

enum pmap_state pmap_state(const struct pmap *pm, uint64_t pfn)
{
	return pm->page[pfn].state;
}

void pmap_set_state(struct pmap *pm, uint64_t pfn, enum pmap_state state)
{
	pm->page[pfn].state = (uint8_t)state;
}

unsigned pmap_moves(const struct pmap *pm, uint64_t pfn)
{
	return pm->page[pfn].moves;
}

void pmap_count_states(const struct pmap *pm, uint64_t counts[4])
{
	memset(counts, 0, 4 * sizeof(*counts));
	for (uint64_t p = 0; p < pm->npages; p++)
		counts[pm->page[p].state & 3]++;
}

static uint16_t *pmap_counts(const struct pmap *pm, uint64_t pfn, int node)
{
	return &pm->counts[(pfn * pm->nnodes + node) * 2];
}

void pmap_count(struct pmap *pm, uint64_t pfn, int node, int is_write)
{
	uint16_t *c = pmap_counts(pm, pfn, node) + (is_write ? 1 : 0);

	if (*c < UINT16_MAX)
		(*c)++;
}

unsigned pmap_reads(const struct pmap *pm, uint64_t pfn, int node)
{
	return pmap_counts(pm, pfn, node)[0];
}

unsigned pmap_writes(const struct pmap *pm, uint64_t pfn, int node)
{
	return pmap_counts(pm, pfn, node)[1];
}

void pmap_decay(struct pmap *pm, unsigned shift)
{
	uint64_t n = pm->npages * 2 * pm->nnodes;

	if (shift >= 16) {
		memset(pm->counts, 0, n * sizeof(*pm->counts));
		return;
	}
	for (uint64_t i = 0; i < n; i++)
		pm->counts[i] >>= shift;
}

int pmap_test_and_mark(struct pmap *pm, uint64_t pfn)
{
	int was = pm->page[pfn].flags & PMAP_MARK;

	pm->page[pfn].flags |= PMAP_MARK;
	return was;
}

void pmap_unmark(struct pmap *pm, uint64_t pfn)
{
	pm->page[pfn].flags &= ~PMAP_MARK;
}

unsigned pmap_replica_nodes(const struct pmap *pm, uint64_t pfn)
{
	return pm->page[pfn].replicas;
}

int pmap_replica_frame(const struct pmap *pm, uint64_t pfn, int node, uint64_t *frame)
{
	const struct pmap_page *pg = &pm->page[pfn];

	if (node < 0 || node >= pm->nnodes || !(pg->replicas & (1u << node)))
		return -1;
	*frame = pm->frames[(uint64_t)(pg->replica_slot - 1) * pm->nnodes + node];
	return 0;
}

static void pmap_moved(struct pmap_page *pg)
{
	if (pg->moves < UINT8_MAX)
		pg->moves++;
}

int pmap_note_migrated(struct pmap *pm, uint64_t pfn, int node)
{
	struct pmap_page *pg = &pm->page[pfn];

	if (node < 0 || node >= pm->nnodes || pg->replicas)
		return -1;
	pg->home = (uint8_t)node;
	pg->state = PAGE_MIGRATED;
	pg->flags |= PMAP_WAS_MIGRATED;
	pmap_moved(pg);
	return 0;
}

/* A slot of nnodes frames for a page's replicas: from the free list or a grown pool. */
static uint32_t pmap_slot_alloc(struct pmap *pm)
{
	uint32_t slot = pm->slot_free;

	if (slot) {
		pm->slot_free = (uint32_t)pm->frames[(uint64_t)(slot - 1) * pm->nnodes];
		return slot;
	}
	if (pm->nslots > pm->slot_cap) {   /* slot nslots is entry nslots - 1 */
		uint32_t cap = pm->slot_cap ? pm->slot_cap * 2 : 64;
		uint64_t *f = realloc(pm->frames, (uint64_t)cap * pm->nnodes * sizeof(*f));
		if (!f)
			return 0;
		pm->frames = f;
		pm->slot_cap = cap;
	}
	return pm->nslots++;
}

int pmap_note_replica(struct pmap *pm, uint64_t pfn, int node, uint64_t frame)
{
	struct pmap_page *pg = &pm->page[pfn];

	if (node < 0 || node >= pm->nnodes || node == pg->home)
		return -1;
	if (!pg->replica_slot) {
		uint32_t slot = pmap_slot_alloc(pm);
		if (!slot)
			return -1;
		pg->replica_slot = slot;
		pmap_moved(pg);
	}
	pm->frames[(uint64_t)(pg->replica_slot - 1) * pm->nnodes + node] = frame;
	pg->replicas |= 1u << node;
	pg->state = PAGE_REPLICATED;
	return 0;
}

void pmap_note_collapsed(struct pmap *pm, uint64_t pfn)
{
	struct pmap_page *pg = &pm->page[pfn];

	if (pg->replica_slot) {
		pm->frames[(uint64_t)(pg->replica_slot - 1) * pm->nnodes] = pm->slot_free;
		pm->slot_free = pg->replica_slot;
	}
	pg->replica_slot = 0;
	pg->replicas = 0;
	pg->state = pg->flags & PMAP_WAS_MIGRATED ? PAGE_MIGRATED : PAGE_PRIVATE;
}

int pmap_add_mapping(struct pmap *pm, uint64_t pfn, int vcpu, uint64_t pte)
{
	uint32_t m = pm->map_free;

	if (m) {
		pm->map_free = pm->map[m].next;
	} else {
		if (pm->nmap >= pm->map_cap) {
			uint32_t cap = pm->map_cap ? pm->map_cap * 2 : 256;
			struct pmap_mapping *n = realloc(pm->map, cap * sizeof(*n));
			if (!n)
				return -1;
			pm->map = n;
			pm->map_cap = cap;
		}
		m = pm->nmap++;
	}
	pm->map[m] = (struct pmap_mapping){ pte, pm->page[pfn].map_head, vcpu };
	pm->page[pfn].map_head = m;
	return 0;
}

int pmap_remove_mapping(struct pmap *pm, uint64_t pfn, int vcpu, uint64_t pte)
{
	for (uint32_t *link = &pm->page[pfn].map_head; *link; link = &pm->map[*link].next) {
		uint32_t m = *link;
		if (pm->map[m].vcpu != vcpu || pm->map[m].pte != pte)
			continue;
		*link = pm->map[m].next;
		pm->map[m].next = pm->map_free;
		pm->map_free = m;
		return 0;
	}
	return -1;
}

uint32_t pmap_map_first(const struct pmap *pm, uint64_t pfn)
{
	return pm->page[pfn].map_head;
}

uint32_t pmap_map_next(const struct pmap *pm, uint32_t m)
{
	return pm->map[m].next;
}

void pmap_map_get(const struct pmap *pm, uint32_t m, int *vcpu, uint64_t *pte)
{
	*vcpu = pm->map[m].vcpu;
	*pte = pm->map[m].pte;
}
