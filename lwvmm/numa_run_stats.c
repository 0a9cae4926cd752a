/* --stats and --stats-json of a --numa-policy run (numa_run.h). */
#define _GNU_SOURCE
#include <numaif.h>
#include <stdio.h>

#include "numa_repl.h"
#include "numa_run.h"
#include "numa_run_state.h"
#include "vm.h"

static struct numa_run_state *const nr = &numa_run_state;

static const char *note(void)
{
	if (nr->topo->simulated && numa_repl_enabled())
		return "simulated topology: accesses sampled for real, migrations only update the pmap's home nodes "
		       "(nothing moves); replicas are real copies, all in the host's one node's memory";
	if (nr->topo->simulated)
		return "simulated topology: accesses sampled for real, migrations only update the pmap's home nodes "
		       "(nothing moves)";
	if (numa_repl_enabled())
		return "real nodes: pages moved with move_pages, replicas bound to their nodes with mbind";
	return "real nodes: pages moved with move_pages";
}

static double share(uint64_t local, uint64_t samples)
{
	return samples ? (double)local / (double)samples : 0.0;
}

static double collapse_us(const struct numa_repl_stats *rs)
{
	uint64_t n = rs->collapses[REPL_BY_WRITE] + rs->collapses[REPL_BY_POLICY] + rs->collapses[REPL_BY_IO];
	return n ? rs->collapse_ns / 1e3 / (double)n : 0.0;
}

/* "replication":{...} (zeros when the mode is not replicate) and "pages_per_state". */
static void json_replication(FILE *out)
{
	const struct numa_repl_stats *rs = numa_repl_stats();
	uint64_t states[4];

	pmap_count_states(nr->pm, states);
	fprintf(out, ",\"replication\":{\"enabled\":%s,\"replications\":%llu,\"replicas\":%llu,"
		"\"mean_replicate_ns\":%.0f,\"replicated_now\":%llu,\"replicated_max\":%llu,\"refused\":%llu,"
		"\"collapses_by_write\":%llu,\"collapses_by_policy\":%llu,\"collapses_by_io\":%llu,"
		"\"mean_collapse_ns\":%.0f,\"write_exits\":%llu,\"mean_write_exit_ns\":%.0f}",
		numa_repl_enabled() ? "true" : "false", (unsigned long long)rs->replications,
		(unsigned long long)rs->replicas,
		rs->replications ? (double)rs->replicate_ns / (double)rs->replications : 0.0,
		(unsigned long long)rs->replicated_now, (unsigned long long)rs->replicated_max,
		(unsigned long long)rs->refused, (unsigned long long)rs->collapses[REPL_BY_WRITE],
		(unsigned long long)rs->collapses[REPL_BY_POLICY], (unsigned long long)rs->collapses[REPL_BY_IO],
		collapse_us(rs) * 1e3, (unsigned long long)rs->write_exits,
		rs->write_exits ? (double)rs->write_exit_ns / (double)rs->write_exits : 0.0);
	fprintf(out, ",\"pages_per_state\":{\"private\":%llu,\"migrated\":%llu,\"replicated\":%llu,"
		"\"write_shared\":%llu}", (unsigned long long)states[PAGE_PRIVATE],
		(unsigned long long)states[PAGE_MIGRATED], (unsigned long long)states[PAGE_REPLICATED],
		(unsigned long long)states[PAGE_WRITE_SHARED]);
}

static uint64_t seen_count(int v)
{
	uint64_t c = 0;
	for (uint64_t p = 0; p < nr->npages; p++)
		c += (nr->seen[v][p / 8] >> (p % 8)) & 1;
	return c;
}

/*
 * Where the migrated pages are now, on real nodes: touched first (the last
 * arm zapped the host mapping; reading the page maps the very page again),
 * then a move_pages() query (no target nodes: it moves nothing).
 */
static void check_migrated(uint64_t *checked, uint64_t *on_home)
{
	enum { BATCH = 256 };
	void *addr[BATCH];
	int status[BATCH], want[BATCH];
	unsigned long k = 0;

	*checked = *on_home = 0;
	for (uint64_t p = 0; p <= nr->npages; p++) {
		if (p < nr->npages && pmap_state(nr->pm, p) == PAGE_MIGRATED) {
			addr[k] = nr->vm->mem.host + p * 4096;
			(void)*(volatile uint8_t *)addr[k];
			want[k++] = nr->topo->host_node[pmap_home(nr->pm, p)];
		}
		if (k == BATCH || (p == nr->npages && k)) {
			if (move_pages(0, k, addr, NULL, status, 0) == 0) {
				for (unsigned long i = 0; i < k; i++)
					*on_home += status[i] == want[i];
				*checked += k;
			}
			k = 0;
		}
	}
}

void numa_run_print_stats(FILE *out)
{
	const struct numa_policy_stats *ps;

	if (!nr->enabled || !nr->pol)
		return;
	ps = numa_policy_stats(nr->pol);
	fprintf(out, "  numa-policy: %s, period %u ms, up to %llu pages a period (%.0f on average, budget %u%%: "
		"%llu touched pages a vCPU; tracker %s); %s\n",
		numa_run_mode_name(nr->spec.mode), nr->spec.period_ms, (unsigned long long)nr->window,
		nr->periods ? (double)nr->pages_armed / (double)nr->periods : 0.0, nr->spec.budget_pct,
		(unsigned long long)nr->budget_pages, nr->tracker.ops->name, note());
	fprintf(out, "    %llu periods, %llu page-vCPU checks, %llu samples (%llu writes); local share %.1f%%, "
		"%llu sweeps\n", (unsigned long long)nr->periods, (unsigned long long)nr->pages_checked,
		(unsigned long long)nr->nsamples, (unsigned long long)nr->writes, 100 * share(ps->local, ps->samples),
		(unsigned long long)nr->nsweeps);
	fprintf(out, "    time: tracking %.3f ms, policy %.3f ms, moves %.3f ms; %llu migrations (%llu failed)\n",
		nr->track_ns / 1e6, nr->policy_ns / 1e6, nr->move_ns / 1e6, (unsigned long long)nr->migrations,
		(unsigned long long)nr->move_failures);
	if (numa_repl_enabled()) {
		const struct numa_repl_stats *rs = numa_repl_stats();
		fprintf(out, "    replication: %llu pages replicated (%llu replica frames, %.1f us a page), %llu now; "
			"collapses: %llu by a guest write, %llu by the policy, %llu by I/O (%.1f us each); "
			"%llu write exits (%.1f us each in the monitor)\n",
			(unsigned long long)rs->replications, (unsigned long long)rs->replicas,
			rs->replications ? rs->replicate_ns / 1e3 / (double)rs->replications : 0.0,
			(unsigned long long)rs->replicated_now, (unsigned long long)rs->collapses[REPL_BY_WRITE],
			(unsigned long long)rs->collapses[REPL_BY_POLICY], (unsigned long long)rs->collapses[REPL_BY_IO],
			collapse_us(rs), (unsigned long long)rs->write_exits,
			rs->write_exits ? rs->write_exit_ns / 1e3 / (double)rs->write_exits : 0.0);
	}
	for (int v = 0; v < nr->layout.ncpus; v++)
		fprintf(out, "    vCPU %d: %llu samples (%llu writes), %llu pages seen\n", v,
			(unsigned long long)nr->vcpu_samples[v], (unsigned long long)nr->vcpu_writes[v],
			(unsigned long long)seen_count(v));
}

/* [[first_pfn, count], ...] of the pages for which in(p) holds, at most JSON_RUNS. */
static void json_runs(FILE *out, int (*in)(uint64_t p, int arg), int arg)
{
	int runs = 0;

	fputc('[', out);
	for (uint64_t p = 0; p < nr->npages && runs < JSON_RUNS; p++) {
		if (!in(p, arg))
			continue;
		uint64_t q = p;
		while (q + 1 < nr->npages && in(q + 1, arg))
			q++;
		fprintf(out, "%s[%llu,%llu]", runs++ ? "," : "", (unsigned long long)p, (unsigned long long)(q - p + 1));
		p = q;
	}
	fputc(']', out);
}

static int seen_by(uint64_t p, int v)
{
	return (nr->seen[v][p / 8] >> (p % 8)) & 1;
}

static int migrated_to(uint64_t p, int node)
{
	return pmap_state(nr->pm, p) == PAGE_MIGRATED && pmap_home(nr->pm, p) == node;
}

void numa_run_json_stats(FILE *out)
{
	const struct numa_policy_stats *ps;
	uint64_t kept = nr->nsweeps < MAX_SWEEPS ? nr->nsweeps : MAX_SWEEPS, checked, on_home;

	fprintf(out, "\"numa_policy\":{\"enabled\":%s", nr->enabled && nr->pol ? "true" : "false");
	if (!nr->enabled || !nr->pol) {
		fputc('}', out);
		return;
	}
	ps = numa_policy_stats(nr->pol);
	fprintf(out, ",\"mode\":\"%s\",\"tracker\":\"%s\",\"period_ms\":%u,\"window_pages\":%llu,"
		"\"simulated\":%s,\"note\":\"%s\",\"periods\":%llu,\"page_vcpu_checks\":%llu,\"samples\":%llu,"
		"\"writes\":%llu,\"full_sample_buffers\":%llu,\"arm_failures\":%llu,\"track_ns\":%llu,\"policy_ns\":%llu,"
		"\"move_ns\":%llu,\"move_calls\":%llu,\"migrations\":%llu,\"move_failures\":%llu,",
		numa_run_mode_name(nr->spec.mode), nr->tracker.ops->name, nr->spec.period_ms,
		(unsigned long long)nr->window, nr->topo->simulated ? "true" : "false", note(),
		(unsigned long long)nr->periods, (unsigned long long)nr->pages_checked, (unsigned long long)nr->nsamples,
		(unsigned long long)nr->writes, (unsigned long long)nr->dropped, (unsigned long long)nr->arm_failures,
		(unsigned long long)nr->track_ns, (unsigned long long)nr->policy_ns, (unsigned long long)nr->move_ns,
		(unsigned long long)nr->move_calls, (unsigned long long)nr->migrations,
		(unsigned long long)nr->move_failures);
	fprintf(out, "\"budget_pct\":%u,\"budget_pages\":%llu,\"window_mean\":%.1f,\"window_min\":%llu,"
		"\"window_shrinks\":%llu,\"periods_skipped\":%llu,", nr->spec.budget_pct,
		(unsigned long long)nr->budget_pages, nr->periods ? (double)nr->pages_armed / (double)nr->periods : 0.0,
		(unsigned long long)nr->window_min, (unsigned long long)nr->shrinks, (unsigned long long)nr->skipped);
	fprintf(out, "\"track_ns_per_page_vcpu\":%.1f,\"mean_move_ns\":%.0f,\"migrated_to_node\":[",
		nr->pages_checked ? (double)nr->track_ns / (double)nr->pages_checked : 0.0,
		nr->migrations ? (double)nr->move_ns / (double)nr->migrations : 0.0);
	for (int n = 0; n < nr->topo->nnodes; n++)
		fprintf(out, "%s%llu", n ? "," : "", (unsigned long long)nr->migrated_to[n]);
	fprintf(out, "],\"policy\":{\"hot\":%llu,\"write_shared\":%llu,\"capped\":%llu,\"deferred\":%llu,"
		"\"bad_samples\":%llu},\"local_share\":%.4f,\"replica_local_samples\":%llu,\"sweeps\":%llu,"
		"\"local_share_per_sweep\":[",
		(unsigned long long)ps->hot, (unsigned long long)ps->write_shared, (unsigned long long)ps->capped,
		(unsigned long long)ps->deferred, (unsigned long long)ps->bad_samples, share(ps->local, ps->samples),
		(unsigned long long)ps->replica_local,
		(unsigned long long)nr->nsweeps);
	for (uint64_t i = 0; i < kept; i++)
		fprintf(out, "%s%.4f", i ? "," : "", share(nr->sweep[i].local, nr->sweep[i].samples));
	fprintf(out, "],\"vcpus\":[");
	for (int v = 0; v < nr->layout.ncpus; v++) {
		fprintf(out, "%s{\"vcpu\":%d,\"node\":%d,\"samples\":%llu,\"writes\":%llu,\"pages_seen\":%llu,"
			"\"seen\":", v ? "," : "", v, nr->place->vcpu_node[v], (unsigned long long)nr->vcpu_samples[v],
			(unsigned long long)nr->vcpu_writes[v], (unsigned long long)seen_count(v));
		json_runs(out, seen_by, v);
		fputc('}', out);
	}
	fprintf(out, "],\"migrated\":[");
	for (int n = 0; n < nr->topo->nnodes; n++) {
		fprintf(out, "%s{\"node\":%d,\"pages\":", n ? "," : "", n);
		json_runs(out, migrated_to, n);
		fputc('}', out);
	}
	fputc(']', out);
	json_replication(out);
	if (!nr->topo->simulated) {
		check_migrated(&checked, &on_home);
		fprintf(out, ",\"migrated_checked\":%llu,\"migrated_on_home_node\":%llu", (unsigned long long)checked,
			(unsigned long long)on_home);
	}
	fputc('}', out);
}
