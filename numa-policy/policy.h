/*
 * Disco's NUMA policy over the pmap (pmap.h), after Verghese et al. (ASPLOS
 * 1996): a page whose sampled accesses reach a hot trigger is migrated to
 * the node that dominates them, replicated on the nodes that read it when
 * nobody writes it, or left alone when several nodes write it; each page
 * moves a bounded number of times; the counters decay every few periods.
 *
 * Each period the monitor hands over its access samples (a sampled page, the
 * vCPU that touched it, read or write) and gets back the actions to carry
 * out. It reports each action it carried out to the pmap (pmap_note_*): the
 * policy decides, the monitor moves memory, the pmap records what is.
 * Parameters, defaults and why: README.md.
 */
#ifndef NUMA_POLICY_H
#define NUMA_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "pmap.h"

struct numa_policy_params {
	unsigned hot_threshold;    /* samples (all nodes, reads + writes) before a page is looked at */
	unsigned dominance_pct;    /* a node with this share of a page's samples gets the page */
	unsigned share_threshold;  /* reads from a node that make it one of the page's readers */
	unsigned write_threshold;  /* writes from a node that make the page written */
	unsigned max_moves;        /* migrations + first replications of a page, then it stays */
	unsigned decay_every;      /* the counters decay at the end of every this many periods */
	unsigned decay_shift;      /* by this many bits (1: halve; 16: reset) */
	unsigned max_actions;      /* actions per period at most (the monitor's work per period) */
	int migrate;               /* 0: never migrate */
	int replicate;             /* 0: never replicate (the "migration only" configuration) */
};

void numa_policy_defaults(struct numa_policy_params *pp);
/* 0, or -1 with one message in err. */
int numa_policy_check(const struct numa_policy_params *pp, char *err, size_t errlen);

/* One access sample: vcpu touched guest page pfn (write: 1 if it wrote it). */
struct numa_sample {
	uint64_t pfn;
	uint16_t vcpu;
	uint8_t write;
};

enum numa_action_kind {
	NUMA_MIGRATE,    /* move pfn's one copy to node */
	NUMA_REPLICATE,  /* add a read-only replica of pfn on each node in nodes */
	NUMA_COLLAPSE,   /* drop pfn's replicas: written since it was replicated */
};

struct numa_action {
	enum numa_action_kind kind;
	uint64_t pfn;
	int node;        /* NUMA_MIGRATE: the target */
	unsigned nodes;  /* NUMA_REPLICATE: a bit per node to add a replica on */
};

struct numa_policy_stats {
	uint64_t periods;
	uint64_t samples, local;             /* local: the node held the home or a replica */
	uint64_t period_samples, period_local;   /* the last period's */
	uint64_t replica_local;              /* of local: local only through a replica (its home is away) */
	uint64_t bad_samples;                /* a vCPU or page out of range: dropped */
	uint64_t hot;                        /* hot pages looked at (once a period each) */
	uint64_t migrations, replications, collapses;   /* actions handed out */
	uint64_t write_shared;               /* hot pages left alone as write-shared */
	uint64_t capped;                     /* hot pages left alone: max_moves reached */
	uint64_t deferred;                   /* actions over max_actions, decided again later */
};

struct numa_policy;

/* vcpu_node[v]: the node vCPU v runs on (placement.h). NULL: bad parameters or no memory. */
struct numa_policy *numa_policy_create(struct pmap *pm, const struct numa_policy_params *pp,
				       const int *vcpu_node, int nvcpus);
void numa_policy_destroy(struct numa_policy *pol);

/*
 * One period: count the samples into the pmap, decide on every hot page
 * sampled, decay at the period's end. Writes at most max_out actions to out
 * and returns how many.
 */
size_t numa_policy_period(struct numa_policy *pol, const struct numa_sample *s, size_t n,
			  struct numa_action *out, size_t max_out);

const struct numa_policy_stats *numa_policy_stats(const struct numa_policy *pol);

#endif
