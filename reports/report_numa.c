/*
 * The NUMA section (issue 11): for numa-eng and numa-ray, one row per
 * placement and policy (native; the VM with no policy, --numa-policy track,
 * --numa-policy migrate, as the numa suite's cells name them in their
 * lwvmm_args), with the run time of the work (the workload's time_s), the
 * local share of the sampled accesses overall and in the last sweep (the
 * monitor's numa_policy statistics), the migrations, and the time against
 * the VM without a policy. Disco's figures (references.json "numa") beside
 * them, and what a simulated topology can and cannot show.
 */
#include <stdlib.h>
#include <string.h>

#include "report_fmt.h"
#include "report_numa.h"

/* The policy a group's key names: "none" without --numa-policy, "native" without lwvmm args. */
static void policy_of(const struct group *g, char *buf, size_t len)
{
	const char *p = strstr(g->params, "[lwvmm"), *m;

	if (!p) {
		snprintf(buf, len, "native");
		return;
	}
	m = strstr(p, "--numa-policy ");
	if (!m) {
		snprintf(buf, len, "none");
		return;
	}
	m += strlen("--numa-policy ");
	snprintf(buf, len, "%.*s", (int)strcspn(m, ", ]"), m);
}

/* The last value of each ok run's monitor.numa_policy.local_share_per_sweep. */
static int last_sweep_share(const struct series *s, struct stats *out)
{
	double v[256];
	size_t n = 0, i;
	json_t *run;

	json_array_foreach(s->runs, i, run) {
		json_t *np = json_object_get(json_object_get(run, "monitor"), "numa_policy");
		json_t *sweeps = json_object_get(np, "local_share_per_sweep");
		size_t k = json_array_size(sweeps);
		if (json_is_true(json_object_get(run, "ok")) && k && n < 256)
			v[n++] = json_number_value(json_array_get(sweeps, k - 1));
	}
	return stats_compute(v, n, out);
}

/* -1 unknown, 0 real nodes, 1 simulated: the runs' numa_simulated (vmbench) or the monitor's. */
static int simulated(const struct series *s)
{
	json_t *run = json_array_get(s->runs, 0), *v;

	if (!run)
		return -1;
	v = json_object_get(run, "numa_simulated");
	if (!json_is_boolean(v))
		v = json_object_get(json_object_get(json_object_get(run, "monitor"), "numa"), "simulated");
	return json_is_boolean(v) ? json_is_true(v) : -1;
}

static const struct series *the_series(const struct group *g)
{
	return g->nseries ? &g->series[0] : NULL;
}

static double median_of(const struct series *s, const char *path, int *have)
{
	struct stats st;

	*have = s && s->n_ok && series_stats(s, path, 0, &st) == 0;
	return *have ? st.median : 0;
}

static void disco_line(FILE *md, json_t *refs, const char *workload)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(refs, "numa"), i, r)
		if (!strcmp(str_or(r, "workload", ""), workload))
			fprintf(md, "Disco (%s): local share of cache misses %g%% -> %g%% with migration and "
				"replication, %g%% faster (%s).\n\n", str_or(r, "case", "?"),
				json_number_value(json_object_get(r, "local_before_pct")),
				json_number_value(json_object_get(r, "local_after_pct")),
				json_number_value(json_object_get(r, "faster_pct")), str_or(r, "what", ""));
}

static void workload_table(FILE *md, const struct report_data *d, json_t *refs, const char *workload,
			   int *any_sim, int *any_real)
{
	double none_time = 0;
	int have_none = 0, rows = 0;

	for (int i = 0; i < d->ngroups; i++) {
		char pol[32];
		policy_of(&d->groups[i], pol, sizeof(pol));
		if (!strcmp(d->groups[i].workload, workload) && !strcmp(pol, "none"))
			none_time = median_of(the_series(&d->groups[i]), "metrics.time_s", &have_none);
	}
	for (int i = 0; i < d->ngroups; i++) {
		const struct group *g = &d->groups[i];
		const struct series *s = the_series(g);
		char pol[32], share[64] = "–", last[32] = "–", mig[32] = "–", over[32] = "–", time[32] = "–";
		char repl[64] = "–";
		int have, sim;
		struct stats st;

		if (strcmp(g->workload, workload) || !s)
			continue;
		if (!rows++)
			fprintf(md, "### %s\n\n| env | policy | N ok | run time (median) | local share of sampled accesses "
				"(median; min – max) | in the last sweep | migrations | replications (mean time each) | "
				"time vs no policy |\n|---|---|---|---|---|---|---|---|---|\n", workload);
		policy_of(g, pol, sizeof(pol));
		double t = median_of(s, "metrics.time_s", &have);
		if (have)
			snprintf(time, sizeof(time), "%.3f s", t);
		if (s->n_ok && series_stats(s, "monitor.numa_policy.local_share", 0, &st) == 0)
			snprintf(share, sizeof(share), "%.1f%% (%.1f – %.1f%%)", 100 * st.median,
				 100 * st.min, 100 * st.max);
		if (s->n_ok && last_sweep_share(s, &st) == 0)
			snprintf(last, sizeof(last), "%.1f%%", 100 * st.median);
		if (s->n_ok && series_stats(s, "monitor.numa_policy.migrations", 0, &st) == 0)
			snprintf(mig, sizeof(mig), "%.0f", st.median);
		if (s->n_ok && series_stats(s, "monitor.numa_policy.replication.replications", 0, &st) == 0 && st.median > 0) {
			struct stats ns;
			if (series_stats(s, "monitor.numa_policy.replication.mean_replicate_ns", 0, &ns) == 0)
				snprintf(repl, sizeof(repl), "%.0f (%.1f us)", st.median, ns.median / 1e3);
		}
		if (have && have_none && none_time > 0 && strcmp(pol, "native"))
			snprintf(over, sizeof(over), "%+.1f%%", (t - none_time) / none_time * 100);
		sim = strcmp(pol, "native") ? simulated(s) : -1;
		*any_sim |= sim == 1;
		*any_real |= sim == 0;
		fprintf(md, "| %s%s | %s | %d | %s | %s | %s | %s | %s | %s |\n", s->env,
			sim == 1 ? " (2 simulated nodes)" : sim == 0 ? " (real nodes)" : "", pol, s->n_ok,
			s->unavailable ? "unavailable" : time, share, last, mig, repl, over);
	}
	if (rows) {
		fprintf(md, "\n");
		disco_line(md, refs, workload);
	}
}

void report_numa_section(FILE *md, const struct report_data *d, json_t *refs)
{
	int any = 0, any_sim = 0, any_real = 0;
	long long nodes = json_integer_value(json_object_get(json_object_get(d->env, "topology"), "numa_nodes"));

	for (int i = 0; i < d->ngroups; i++)
		any |= !strncmp(d->groups[i].workload, "numa-", 5);
	if (!any)
		return;
	fprintf(md, "\n## NUMA: Disco's migration experiment\n\n"
		"Each VM has its vCPUs one per node and all memory first touched on vCPU 0's node "
		"(`mem=first-touch`); numa-eng's threads work on private arrays thread 0 initialised, "
		"numa-ray's read a scene thread 0 built. The local share is that of the monitor's sampled "
		"accesses (Accessed/Dirty bits of each vCPU's page tables: at most one sample per vCPU, page "
		"and period), not of cache misses as Disco's (FLASH's hardware counters). Run time is the "
		"workload's own timing of its work; \"time vs no policy\" is the tracking (and moving) "
		"cost against the same VM without `--numa-policy`.\n\n");
	workload_table(md, d, refs, "numa-eng", &any_sim, &any_real);
	workload_table(md, d, refs, "numa-ray", &any_sim, &any_real);
	if (any_sim)
		fprintf(md, "**Simulated topology:** this host has %lld NUMA node(s), so the VMs ran on 2 "
			"simulated nodes (`--numa-sim nodes=2`). The accesses are sampled for real, but "
			"nothing moves in memory: a migration only changes the page's home in the monitor's "
			"pmap. Only the local share is meaningful here; the run times show what tracking "
			"costs, not what migration gains (Disco's 33%% and 38%% need real nodes: the lab has "
			"two).\n\n", nodes);
	if (any_real)
		fprintf(md, "Real nodes: migrations moved pages with `move_pages`, so the run times include "
			"what local memory gains and what moving costs.\n\n");
	fprintf(md, "numa-ray's scene is read by both nodes and written by none: with migration alone "
		"it stays on node 0, remote for the other node's threads (its local share stays near half); "
		"`--numa-policy replicate` gives the other node a replica of each such page (a copy in a "
		"read-only memory slot, mapped by that node's vCPUs' own page tables; a guest write "
		"collapses it), as Disco did (57 us a replication there). The time per replication is the "
		"monitor's, copy and page-table retargeting included.\n");
}
