/*
 * numa-policy/policy: decisions on synthetic traces over two simulated nodes
 * (vCPUs 0-1 on node 0, 2-3 on node 1), with the actions applied to the pmap
 * as the monitor would, and two traces in the spirit of Disco's Engineering
 * and Raytrace workloads whose local-access share is printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"

static const int vcpu_node[4] = { 0, 0, 1, 1 };

struct trace {
	struct numa_sample s[1 << 15];
	size_t n;
};

static struct trace tr;

static void touch(uint64_t pfn, int vcpu, int write)
{
	assert_true(tr.n < sizeof(tr.s) / sizeof(tr.s[0]));
	tr.s[tr.n++] = (struct numa_sample){ pfn, (uint16_t)vcpu, (uint8_t)write };
}

/* Carry the actions out as the monitor would: report each to the pmap. */
static void apply(struct pmap *pm, const struct numa_action *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].kind == NUMA_MIGRATE) {
			assert_int_equal(pmap_note_migrated(pm, a[i].pfn, a[i].node), 0);
		} else if (a[i].kind == NUMA_REPLICATE) {
			for (int node = 0; node < pmap_nodes(pm); node++)
				if (a[i].nodes & (1u << node))
					assert_int_equal(pmap_note_replica(pm, a[i].pfn, node,
									   a[i].pfn * 16 + node), 0);
		} else {
			pmap_note_collapsed(pm, a[i].pfn);
		}
	}
}

/* Run the period's trace, apply its actions, return how many there were (a copy in *out). */
static size_t period(struct numa_policy *pol, struct pmap *pm, struct numa_action *out, size_t max)
{
	size_t n = numa_policy_period(pol, tr.s, tr.n, out, max);

	apply(pm, out, n);
	tr.n = 0;
	return n;
}

struct fixture {
	struct pmap *pm;
	struct numa_policy *pol;
	struct numa_policy_params pp;
	struct numa_action act[4096];
};

static struct fixture fx;

static void start(uint64_t pages, const struct numa_policy_params *pp)
{
	if (pp)
		fx.pp = *pp;
	else
		numa_policy_defaults(&fx.pp);
	fx.pm = pmap_create(pages, 2);
	fx.pol = numa_policy_create(fx.pm, &fx.pp, vcpu_node, 4);
	assert_non_null(fx.pol);
	tr.n = 0;
}

static void stop(void)
{
	numa_policy_destroy(fx.pol);
	pmap_destroy(fx.pm);
}

static int teardown(void **state)
{
	(void)state;
	stop();
	return 0;
}

static size_t step(void)
{
	return period(fx.pol, fx.pm, fx.act, sizeof(fx.act) / sizeof(fx.act[0]));
}

/* A page vCPU 2 (node 1) reads every period is hot after hot_threshold periods, then migrates. */
static void test_hot_then_migrate(void **state)
{
	(void)state;
	start(64, NULL);
	for (unsigned p = 1; p < fx.pp.hot_threshold; p++) {
		touch(10, 2, 0);
		touch(11, 0, 0);   /* local all along: never moves */
		assert_int_equal(step(), 0);
	}
	touch(10, 2, 0);
	touch(11, 0, 0);
	assert_int_equal(step(), 1);
	assert_int_equal(fx.act[0].kind, NUMA_MIGRATE);
	assert_int_equal(fx.act[0].pfn, 10);
	assert_int_equal(fx.act[0].node, 1);
	assert_int_equal(pmap_home(fx.pm, 10), 1);
	assert_int_equal(pmap_state(fx.pm, 10), PAGE_MIGRATED);
	touch(10, 3, 1);   /* now local */
	assert_int_equal(step(), 0);
	assert_int_equal(numa_policy_stats(fx.pol)->period_local, 1);
	assert_int_equal(numa_policy_stats(fx.pol)->migrations, 1);
}

/* Mostly node 1 (4 of 5 samples: 80%) migrates; 3 of 5 does not, and is not replicated once written. */
static void test_dominance(void **state)
{
	(void)state;
	start(64, NULL);
	for (int i = 0; i < 4; i++)
		touch(20, 2 + (i & 1), 1);
	touch(20, 0, 1);
	for (int i = 0; i < 3; i++)
		touch(21, 2, 1);
	touch(21, 0, 1);
	touch(21, 1, 1);
	assert_int_equal(step(), 1);
	assert_int_equal(fx.act[0].pfn, 20);
	assert_int_equal(pmap_state(fx.pm, 21), PAGE_WRITE_SHARED);
}

/* Read by both nodes, written by none: a replica on node 1; then every access is local. */
static void test_replicate(void **state)
{
	(void)state;
	size_t n = 0;

	start(64, NULL);
	for (int p = 0; p < 2; p++) {
		touch(30, 0, 0);
		touch(30, 2, 0);
		n = step();
	}
	assert_int_equal(n, 1);
	assert_int_equal(fx.act[0].kind, NUMA_REPLICATE);
	assert_int_equal(fx.act[0].nodes, 2);
	assert_int_equal(pmap_state(fx.pm, 30), PAGE_REPLICATED);
	assert_int_equal(pmap_home(fx.pm, 30), 0);
	touch(30, 1, 0);
	touch(30, 3, 0);
	assert_int_equal(step(), 0);
	assert_int_equal(numa_policy_stats(fx.pol)->period_local, 2);
	assert_int_equal(numa_policy_stats(fx.pol)->replica_local, 1);   /* node 1's read, from its replica */
	/* A write (the tracker saw it late): collapse. */
	touch(30, 3, 1);
	assert_int_equal(step(), 1);
	assert_int_equal(fx.act[0].kind, NUMA_COLLAPSE);
	assert_int_equal(pmap_state(fx.pm, 30), PAGE_PRIVATE);
	assert_int_equal(pmap_replica_nodes(fx.pm, 30), 0);
}

/*
 * What lwvmm does when a guest writes a replicated page (numa_repl.c): it
 * collapses the page at once and counts the write. The page is then not
 * replicated again while that write counts (it is written, used by both
 * nodes: write-shared), but is once the decay has halved the write away and
 * both nodes still only read it.
 */
static void test_replicate_after_write_collapse(void **state)
{
	(void)state;
	int again = -1;

	start(64, NULL);
	for (int p = 0; p < 2; p++) {
		touch(30, 0, 0);
		touch(30, 2, 0);
		step();
	}
	assert_int_equal(pmap_state(fx.pm, 30), PAGE_REPLICATED);
	pmap_note_collapsed(fx.pm, 30);
	pmap_count(fx.pm, 30, 1, 1);
	for (int p = 2; p < 16 && again < 0; p++) {
		touch(30, 0, 0);
		touch(30, 2, 0);
		size_t n = step();
		for (size_t i = 0; i < n; i++) {
			assert_int_not_equal(fx.act[i].kind, NUMA_MIGRATE);
			if (fx.act[i].kind == NUMA_REPLICATE && fx.act[i].pfn == 30)
				again = p;
		}
	}
	assert_true(numa_policy_stats(fx.pol)->write_shared > 0);
	assert_true(again >= 8);   /* the first decay ends period 7 (the eighth) */
	assert_int_equal(pmap_state(fx.pm, 30), PAGE_REPLICATED);
	assert_int_equal(pmap_replica_nodes(fx.pm, 30), 2);
}

/* A replica needs a reader away from home: read by the home alone, nothing; by node 1 alone, it migrates. */
static void test_replicate_needs_remote_reader(void **state)
{
	(void)state;

	start(64, NULL);
	for (int p = 0; p < 4; p++) {
		touch(30, 0, 0);
		touch(30, 1, 0);
		touch(31, 2, 0);
		touch(31, 3, 0);
		size_t n = step();
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(fx.act[i].kind, NUMA_MIGRATE);
			assert_int_equal(fx.act[i].pfn, 31);
		}
	}
	assert_int_equal(pmap_state(fx.pm, 30), PAGE_PRIVATE);
	assert_int_equal(pmap_state(fx.pm, 31), PAGE_MIGRATED);
	assert_int_equal(pmap_home(fx.pm, 31), 1);
	assert_int_equal(numa_policy_stats(fx.pol)->replications, 0);
}

/* Migration only (replicate = 0): a read-shared page stays put. */
static void test_replicate_off(void **state)
{
	(void)state;
	struct numa_policy_params pp;

	numa_policy_defaults(&pp);
	pp.replicate = 0;
	start(64, &pp);
	for (int p = 0; p < 4; p++) {
		touch(30, 0, 0);
		touch(30, 2, 0);
		assert_int_equal(step(), 0);
	}
}

/* Written from both nodes: left where it is, marked write-shared, however hot. */
static void test_write_shared(void **state)
{
	(void)state;
	start(64, NULL);
	for (int p = 0; p < 12; p++) {
		touch(40, 0, 1);
		touch(40, 3, 1);
		touch(41, 1, 1);   /* one writer ... */
		touch(41, 2, 0);   /* ... and a reader elsewhere: also left */
		touch(41, 3, 0);
		assert_int_equal(step(), 0);
	}
	assert_int_equal(pmap_state(fx.pm, 40), PAGE_WRITE_SHARED);
	assert_int_equal(pmap_state(fx.pm, 41), PAGE_WRITE_SHARED);
	assert_int_equal(pmap_home(fx.pm, 40), 0);
	assert_true(numa_policy_stats(fx.pol)->write_shared >= 20);
}

/* A page whose writer alternates between the nodes every 16 periods moves max_moves times, no more. */
static void test_move_cap(void **state)
{
	(void)state;
	unsigned moves = 0;

	start(64, NULL);
	for (int p = 0; p < 160; p++) {
		touch(50, (p / 16) % 2 ? 0 : 2, 1);
		moves += step();
	}
	assert_int_equal(moves, fx.pp.max_moves);
	assert_int_equal(pmap_moves(fx.pm, 50), fx.pp.max_moves);
	assert_true(numa_policy_stats(fx.pol)->capped > 0);
}

/*
 * The counters halve every decay_every periods: a remote read every 8th
 * period never makes the page hot (without decay the 4th would, in period 25).
 */
static void test_decay(void **state)
{
	(void)state;
	start(64, NULL);
	for (int p = 0; p < 64; p++) {
		if (p % 8 == 0)
			touch(60, 2, 0);
		assert_int_equal(step(), 0);
	}
	assert_true(pmap_reads(fx.pm, 60, 1) < fx.pp.hot_threshold);
	assert_int_equal(numa_policy_stats(fx.pol)->hot, 0);
	for (unsigned p = 0; p < fx.pp.decay_every; p++)
		step();
	assert_int_equal(pmap_reads(fx.pm, 60, 1), 0);   /* halved to nothing */
}

/* At most max_actions a period; the rest are decided again when sampled again. */
static void test_max_actions(void **state)
{
	(void)state;
	struct numa_policy_params pp;
	size_t n;

	numa_policy_defaults(&pp);
	pp.max_actions = 3;
	pp.hot_threshold = 1;
	start(64, &pp);
	for (int pfn = 0; pfn < 5; pfn++)
		touch(pfn, 2, 0);
	assert_int_equal(step(), 3);
	assert_int_equal(numa_policy_stats(fx.pol)->deferred, 2);
	for (int pfn = 0; pfn < 5; pfn++)
		touch(pfn, 2, 0);
	n = step();
	assert_int_equal(n, 2);
	/* Out-of-range samples are dropped and counted. */
	touch(64, 0, 0);
	touch(1, 4, 0);
	step();
	assert_int_equal(numa_policy_stats(fx.pol)->bad_samples, 2);
}

static void test_params(void **state)
{
	(void)state;
	struct numa_policy_params pp;
	struct pmap *pm = pmap_create(8, 2);
	int bad_nodes[4] = { 0, 0, 2, 1 };
	char err[128];

	numa_policy_defaults(&pp);
	assert_int_equal(numa_policy_check(&pp, err, sizeof(err)), 0);
	pp.dominance_pct = 50;
	assert_int_equal(numa_policy_check(&pp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "dominance_pct must be from 51 to 100"));
	assert_null(numa_policy_create(pm, &pp, vcpu_node, 4));
	numa_policy_defaults(&pp);
	pp.decay_shift = 0;
	assert_int_equal(numa_policy_check(&pp, err, sizeof(err)), -1);
	numa_policy_defaults(&pp);
	assert_null(numa_policy_create(pm, &pp, bad_nodes, 4));   /* node 2 of 2 */
	pmap_destroy(pm);
}

/* A fixed-seed generator: the traces are the same on every run. */
static uint32_t rng = 12345;

static int coin(unsigned pct)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) % 100 < pct;
}

static double share(const struct numa_policy_stats *st)
{
	return st->period_samples ? (double)st->period_local / st->period_samples : 0;
}

static void report(const char *name, double before, int settled, double after)
{
	const struct numa_policy_stats *st = numa_policy_stats(fx.pol);

	printf("# %s: local share %.1f%% in the first period it runs, >= 90%% from period %d, "
	       "%.1f%% over periods 31-40; %llu migrations, %llu replications, %llu collapses, "
	       "%llu write-shared decisions\n", name, before * 100, settled, after * 100,
	       (unsigned long long)st->migrations, (unsigned long long)st->replications,
	       (unsigned long long)st->collapses, (unsigned long long)st->write_shared);
}

/*
 * Engineering: 4 workers, one a vCPU, each with 512 private pages that vCPU 0
 * touched first (so all start on node 0), 64 pages of code every worker
 * reads, 8 pages of shared counters every worker writes. Each period the
 * sampler sees half of what each vCPU touched.
 */
static void engineering_period(void)
{
	for (int v = 0; v < 4; v++) {
		for (int i = 0; i < 512; i++)
			if (coin(50))
				touch(1000 + v * 512 + i, v, coin(30));
		for (int i = 0; i < 64; i++)
			if (coin(50))
				touch(100 + i, v, 0);
		for (int i = 0; i < 8; i++)
			touch(200 + i, v, 1);
	}
}

static void test_engineering(void **state)
{
	(void)state;
	double before, after = 0;
	int settled = 0;

	start(4096, NULL);
	engineering_period();
	step();
	before = share(numa_policy_stats(fx.pol));
	for (int p = 2; p <= 40; p++) {
		engineering_period();
		step();
		if (!settled && share(numa_policy_stats(fx.pol)) >= 0.9)
			settled = p;
		if (p > 30)
			after += share(numa_policy_stats(fx.pol)) / 10;
	}
	report("engineering", before, settled, after);
	assert_true(before <= 0.55);
	assert_true(after >= 0.90);
	for (int v = 0; v < 4; v++)
		for (int i = 0; i < 512; i++)
			assert_int_equal(pmap_home(fx.pm, 1000 + v * 512 + i), vcpu_node[v]);
	for (int i = 0; i < 64; i++)   /* the code: a copy on each node */
		assert_int_equal(pmap_replica_nodes(fx.pm, 100 + i) | 1u << pmap_home(fx.pm, 100 + i), 3);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pmap_state(fx.pm, 200 + i), PAGE_WRITE_SHARED);
		assert_int_equal(pmap_home(fx.pm, 200 + i), 0);
	}
}

/*
 * Raytrace: vCPU 0 builds a 2048-page scene in the first period (writes), then
 * every vCPU reads a random quarter of it each period; each vCPU writes its own
 * 64-page slice of the image, which vCPU 0 touched first.
 */
static void raytrace_period(int p)
{
	for (int i = 0; p == 0 && i < 2048; i++)
		touch(100 + i, 0, 1);
	for (int v = 0; p > 0 && v < 4; v++) {
		for (int i = 0; i < 2048; i++)
			if (coin(25))
				touch(100 + i, v, 0);
		for (int i = 0; i < 64; i++)
			if (coin(50))
				touch(3000 + v * 64 + i, v, 1);
	}
}

static void test_raytrace(void **state)
{
	(void)state;
	double before, after = 0;
	int settled = 0;

	start(4096, NULL);
	raytrace_period(0);
	step();
	raytrace_period(1);
	step();
	before = share(numa_policy_stats(fx.pol));
	for (int p = 2; p < 40; p++) {
		raytrace_period(p);
		step();
		if (!settled && share(numa_policy_stats(fx.pol)) >= 0.9)
			settled = p + 1;
		if (p >= 30)
			after += share(numa_policy_stats(fx.pol)) / 10;
	}
	report("raytrace", before, settled, after);
	assert_true(before <= 0.55);
	assert_true(after >= 0.90);
	for (int i = 0; i < 2048; i++)
		assert_int_equal(pmap_state(fx.pm, 100 + i), PAGE_REPLICATED);
	for (int v = 0; v < 4; v++)
		for (int i = 0; i < 64; i++)
			assert_int_equal(pmap_home(fx.pm, 3000 + v * 64 + i), vcpu_node[v]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_hot_then_migrate, teardown),
		cmocka_unit_test_teardown(test_dominance, teardown),
		cmocka_unit_test_teardown(test_replicate, teardown),
		cmocka_unit_test_teardown(test_replicate_off, teardown),
		cmocka_unit_test_teardown(test_replicate_after_write_collapse, teardown),
		cmocka_unit_test_teardown(test_replicate_needs_remote_reader, teardown),
		cmocka_unit_test_teardown(test_write_shared, teardown),
		cmocka_unit_test_teardown(test_move_cap, teardown),
		cmocka_unit_test_teardown(test_decay, teardown),
		cmocka_unit_test_teardown(test_max_actions, teardown),
		cmocka_unit_test(test_params),
		cmocka_unit_test_teardown(test_engineering, teardown),
		cmocka_unit_test_teardown(test_raytrace, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
