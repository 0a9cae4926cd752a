/* Disco's NUMA policy over the pmap (policy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "topology.h"

struct numa_policy {
	struct pmap *pm;
	struct numa_policy_params pp;
	int nvcpus;
	int vcpu_node[NUMA_MAX_CPUS];
	uint64_t *touched;      /* the pages sampled this period, each once */
	size_t ntouched, touched_cap;
	struct numa_policy_stats st;
};

/* The reasons for each value are in README.md's table. */
void numa_policy_defaults(struct numa_policy_params *pp)
{
	*pp = (struct numa_policy_params){
		.hot_threshold = 4,
		.dominance_pct = 80,
		.share_threshold = 2,
		.write_threshold = 1,
		.max_moves = 4,
		.decay_every = 8,
		.decay_shift = 1,
		.max_actions = 256,
		.migrate = 1,
		.replicate = 1,
	};
}

int numa_policy_check(const struct numa_policy_params *pp, char *err, size_t errlen)
{
	const char *what = NULL;

	if (pp->hot_threshold < 1)
		what = "hot_threshold must be at least 1";
	else if (pp->dominance_pct <= 50 || pp->dominance_pct > 100)
		what = "dominance_pct must be from 51 to 100 (two nodes cannot both dominate)";
	else if (pp->share_threshold < 1 || pp->write_threshold < 1)
		what = "share_threshold and write_threshold must be at least 1";
	else if (pp->decay_every < 1 || pp->decay_shift < 1)
		what = "decay_every and decay_shift must be at least 1";
	else if (pp->max_actions < 1)
		what = "max_actions must be at least 1";
	if (what)
		snprintf(err, errlen, "numa policy: %s", what);
	return what ? -1 : 0;
}

struct numa_policy *numa_policy_create(struct pmap *pm, const struct numa_policy_params *pp,
				       const int *vcpu_node, int nvcpus)
{
	struct numa_policy *pol;
	char err[128];

	if (numa_policy_check(pp, err, sizeof(err)) || nvcpus < 1 || nvcpus > NUMA_MAX_CPUS)
		return NULL;
	for (int v = 0; v < nvcpus; v++)
		if (vcpu_node[v] < 0 || vcpu_node[v] >= pmap_nodes(pm))
			return NULL;
	pol = calloc(1, sizeof(*pol));
	if (!pol)
		return NULL;
	pol->pm = pm;
	pol->pp = *pp;
	pol->nvcpus = nvcpus;
	memcpy(pol->vcpu_node, vcpu_node, nvcpus * sizeof(*vcpu_node));
	return pol;
}

void numa_policy_destroy(struct numa_policy *pol)
{
	if (!pol)
		return;
	free(pol->touched);
	free(pol);
}

const struct numa_policy_stats *numa_policy_stats(const struct numa_policy *pol)
{
	return &pol->st;
}

static int is_local(const struct pmap *pm, uint64_t pfn, int node)
{
	return pmap_home(pm, pfn) == node || (pmap_replica_nodes(pm, pfn) & (1u << node));
}

/* Count one sample; remember its page the first time this period. 0, or -1: no memory. */
static int take_sample(struct numa_policy *pol, const struct numa_sample *s)
{
	struct pmap *pm = pol->pm;
	int node;

	if (s->vcpu >= pol->nvcpus || s->pfn >= pmap_pages(pm)) {
		pol->st.bad_samples++;
		return 0;
	}
	node = pol->vcpu_node[s->vcpu];
	pol->st.period_samples++;
	if (is_local(pm, s->pfn, node))
		pol->st.period_local++;
	if (pmap_home(pm, s->pfn) != node && (pmap_replica_nodes(pm, s->pfn) & (1u << node)))
		pol->st.replica_local++;
	pmap_count(pm, s->pfn, node, s->write);
	if (pmap_test_and_mark(pm, s->pfn))
		return 0;
	if (pol->ntouched == pol->touched_cap) {
		size_t cap = pol->touched_cap ? pol->touched_cap * 2 : 1024;
		uint64_t *t = realloc(pol->touched, cap * sizeof(*t));
		if (!t) {
			pmap_unmark(pm, s->pfn);
			return -1;
		}
		pol->touched = t;
		pol->touched_cap = cap;
	}
	pol->touched[pol->ntouched++] = s->pfn;
	return 0;
}

/* A page's counters summed up for one decision. */
struct page_use {
	unsigned total;
	int dominant;         /* the node with the most samples */
	unsigned dominant_use;
	unsigned readers;     /* a bit per node with reads >= share_threshold */
	unsigned users;       /* readers and writers */
	int writers;          /* nodes with writes >= write_threshold */
};

static void page_use(const struct numa_policy *pol, uint64_t pfn, struct page_use *u)
{
	memset(u, 0, sizeof(*u));
	for (int n = 0; n < pmap_nodes(pol->pm); n++) {
		unsigned r = pmap_reads(pol->pm, pfn, n), w = pmap_writes(pol->pm, pfn, n);

		u->total += r + w;
		if (r + w > u->dominant_use) {
			u->dominant = n;
			u->dominant_use = r + w;
		}
		if (r >= pol->pp.share_threshold) {
			u->readers |= 1u << n;
			u->users |= 1u << n;
		}
		if (w >= pol->pp.write_threshold) {
			u->writers++;
			u->users |= 1u << n;
		}
	}
}

/* A replicated page: collapse it once written, else add replicas for new readers. */
static int decide_replicated(struct numa_policy *pol, uint64_t pfn, const struct page_use *u,
			     struct numa_action *a)
{
	unsigned missing;

	if (u->writers > 0) {
		*a = (struct numa_action){ .kind = NUMA_COLLAPSE, .pfn = pfn };
		return 1;
	}
	missing = u->readers & ~pmap_replica_nodes(pol->pm, pfn) & ~(1u << pmap_home(pol->pm, pfn));
	if (!missing || !pol->pp.replicate)
		return 0;
	*a = (struct numa_action){ .kind = NUMA_REPLICATE, .pfn = pfn, .nodes = missing };
	return 1;
}

/* What to do with one hot page: 1 and *a, or 0 for nothing. */
static int decide(struct numa_policy *pol, uint64_t pfn, struct numa_action *a)
{
	const struct numa_policy_params *pp = &pol->pp;
	int home = pmap_home(pol->pm, pfn);
	struct page_use u;
	unsigned others;
	int dominates;

	page_use(pol, pfn, &u);
	if (u.total < pp->hot_threshold)
		return 0;
	pol->st.hot++;
	if (pmap_state(pol->pm, pfn) == PAGE_REPLICATED)
		return decide_replicated(pol, pfn, &u, a);
	if (pmap_moves(pol->pm, pfn) >= pp->max_moves) {
		pol->st.capped++;
		return 0;
	}
	dominates = u.dominant != home && u.dominant_use * 100 >= pp->dominance_pct * u.total;
	others = u.readers & ~(1u << home);
	if (u.writers == 0) {
		/*
		 * Read-only. While its home still reads it a replica serves the
		 * other readers and keeps the home's reads local, for the same one
		 * copy a migration costs; a page its home no longer reads moves.
		 */
		if (dominates && pp->migrate && (!pp->replicate || pmap_reads(pol->pm, pfn, home) == 0)) {
			*a = (struct numa_action){ .kind = NUMA_MIGRATE, .pfn = pfn, .node = u.dominant };
			return 1;
		}
		if (!others || !pp->replicate)
			return 0;
		*a = (struct numa_action){ .kind = NUMA_REPLICATE, .pfn = pfn, .nodes = others };
		return 1;
	}
	/* Written and one node dominates: the page goes there. */
	if (dominates) {
		if (!pp->migrate)
			return 0;
		*a = (struct numa_action){ .kind = NUMA_MIGRATE, .pfn = pfn, .node = u.dominant };
		return 1;
	}
	/* Written, and used by more than one node: moving it would only move the misses. */
	if (__builtin_popcount(u.users) > 1) {
		pmap_set_state(pol->pm, pfn, PAGE_WRITE_SHARED);
		pol->st.write_shared++;
	}
	return 0;
}

static void count_action(struct numa_policy_stats *st, const struct numa_action *a)
{
	if (a->kind == NUMA_MIGRATE)
		st->migrations++;
	else if (a->kind == NUMA_REPLICATE)
		st->replications++;
	else
		st->collapses++;
}

size_t numa_policy_period(struct numa_policy *pol, const struct numa_sample *s, size_t n,
			  struct numa_action *out, size_t max_out)
{
	size_t limit = max_out < pol->pp.max_actions ? max_out : pol->pp.max_actions, nout = 0;

	pol->st.period_samples = pol->st.period_local = 0;
	pol->ntouched = 0;
	for (size_t i = 0; i < n; i++)
		if (take_sample(pol, &s[i]))
			break;   /* out of memory: the rest of the period's samples are lost */
	for (size_t i = 0; i < pol->ntouched; i++) {
		uint64_t pfn = pol->touched[i];
		struct numa_action a;

		pmap_unmark(pol->pm, pfn);
		if (!decide(pol, pfn, &a))
			continue;
		if (nout == limit) {
			pol->st.deferred++;
			continue;
		}
		count_action(&pol->st, &a);
		out[nout++] = a;
	}
	pol->st.samples += pol->st.period_samples;
	pol->st.local += pol->st.period_local;
	if (++pol->st.periods % pol->pp.decay_every == 0)
		pmap_decay(pol->pm, pol->pp.decay_shift);
	return nout;
}
