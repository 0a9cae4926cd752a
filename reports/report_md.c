/*
 * report.md from a run directory. The environment record comes first, so a
 * reader knows what machine the numbers are from before reading them.
 */
#include <stdio.h>
#include <string.h>

#include "report_fmt.h"
#include "report_md.h"
#include "report_density.h"
#include "report_numa.h"

int report_is_measurement(json_t *env)
{
	json_t *reps = json_object_get(env, "reps");

	return !json_is_integer(reps) || json_integer_value(reps) >= 3;
}

/* /proc/meminfo's "24683652 kB" as "23.5 GiB"; anything else as it is. */
static const char *memory_text(char *buf, size_t len, const char *meminfo)
{
	unsigned long long kib;
	char unit[8];

	if (sscanf(meminfo, "%llu %7s", &kib, unit) == 2 && !strcmp(unit, "kB"))
		snprintf(buf, len, "%.1f GiB", (double)kib / (1024.0 * 1024.0));
	else
		snprintf(buf, len, "%s", meminfo);
	return buf;
}

/* The run's copy of its suite says what the suite is for. */
static const char *suite_description(const struct report_data *d, char *buf, size_t len)
{
	char path[4200];
	json_t *suite;

	snprintf(path, sizeof(path), "%s/suite.json", d->dir);
	suite = json_load_file(path, 0, NULL);
	md_cell(buf, len, str_or(suite, "description", ""));
	json_decref(suite);
	return buf;
}

static void environment_section(FILE *md, const struct report_data *d)
{
	json_t *env = d->env, *topo = json_object_get(env, "topology");
	json_t *kernel = json_object_get(env, "kernel"), *tools = json_object_get(env, "tools");
	json_t *info = json_object_get(env, "lwvmm_info"), *v;
	const char *key;
	char cell[512], mem[64];

	fprintf(md, "## Environment\n\n| what | value |\n|---|---|\n");
	fprintf(md, "| date | %s |\n", str_or(env, "date", "unknown"));
	fprintf(md, "| host | %s |\n", str_or(env, "hostname", "unknown"));
	fprintf(md, "| CPU | %s |\n", md_cell(cell, sizeof(cell), str_or(env, "cpu_model", "unknown")));
	fprintf(md, "| topology (hwloc) | %lld package(s), %lld cores, %lld PUs, %lld NUMA node(s)",
		json_integer_value(json_object_get(topo, "packages")),
		json_integer_value(json_object_get(topo, "cores")),
		json_integer_value(json_object_get(topo, "pus")),
		json_integer_value(json_object_get(topo, "numa_nodes")));
	if (json_is_number(json_object_get(topo, "llc_mib")))
		fprintf(md, ", last-level caches %g MiB of L%lld in all",
			json_number_value(json_object_get(topo, "llc_mib")),
			json_integer_value(json_object_get(topo, "llc_level")));
	fprintf(md, " |\n");
	fprintf(md, "| memory | %s |\n", memory_text(mem, sizeof(mem), str_or(env, "mem_total", "unknown")));
	fprintf(md, "| kernel | %s %s %s (%s) |\n", str_or(kernel, "sysname", "?"),
		str_or(kernel, "release", "?"), str_or(kernel, "machine", "?"),
		md_cell(cell, sizeof(cell), str_or(kernel, "version", "?")));
	fprintf(md, "| virtualization | %s |\n", str_or(env, "virtualization", "unknown"));
	if (json_is_object(info)) {
		fprintf(md, "| lwvmm info |");
		int n = 0;
		json_object_foreach(info, key, v)
			fprintf(md, "%s %s: %s", n++ ? "," : "", key,
				md_cell(cell, sizeof(cell), json_string_value(v) ? json_string_value(v) : "?"));
		fprintf(md, " |\n");
	}
	json_object_foreach(tools, key, v)
		fprintf(md, "| %s | %s |\n", key, json_is_string(v) ?
			md_cell(cell, sizeof(cell), json_string_value(v)) : "not installed");
	fprintf(md, "| git revision | %s |\n", str_or(env, "git_revision", "unknown"));
	fprintf(md, "| suite | %s: %lld repetitions after %lld warm-up run(s), timeout %lld s per run |\n",
		str_or(env, "suite", "?"), json_integer_value(json_object_get(env, "reps")),
		json_integer_value(json_object_get(env, "warmup")),
		json_integer_value(json_object_get(env, "timeout_s")));
	if (*suite_description(d, cell, sizeof(cell)))
		fprintf(md, "| suite's purpose | %s |\n", cell);
	if (json_is_string(json_object_get(env, "run_order")))
		fprintf(md, "| run order | %s |\n", str_or(env, "run_order", ""));

	fprintf(md, "\nEnvironments (every run is pinned to the first N PUs of the host, "
		"N = the cell's cpus; the workload gets `--threads N`):\n\n");
	fprintf(md, "| env | available | how | limits |\n|---|---|---|---|\n");
	json_object_foreach(json_object_get(env, "envs"), key, v) {
		int ok = json_is_true(json_object_get(v, "available"));
		fprintf(md, "| %s | %s | %s | %s |\n", key,
			ok ? "yes" : md_cell(cell, sizeof(cell), str_or(v, "why", "no")),
			str_or(v, "what", ""),
			!strcmp(key, "native") ? "cpus per cell; no memory limit" :
			!strcmp(key, "vm") || !strcmp(key, "vm-linux") ? "cpus per cell (vCPUs); guest RAM per cell (`mem`)" :
			"cpus per cell; memory limit per cell (`mem`)");
	}
}

static int is_partial(const struct report_data *d)
{
	return d->n_recorded < d->n_planned;
}

/* A run that stopped before its plan was done says so before any figure. */
static void partial_run_warning(FILE *md, const struct report_data *d)
{
	if (!is_partial(d))
		return;
	fprintf(md, "**Partial run:** %d of %d planned runs are in results.jsonl (the run was "
		"stopped before its end); the figures below are of those runs only.",
		d->n_recorded, d->n_planned);
	if (d->cells_without_runs)
		fprintf(md, " Cells with no runs:%s.", d->cells_without_runs);
	if (d->cells_short_of_runs)
		fprintf(md, " Cells with fewer runs than planned:%s.", d->cells_short_of_runs);
	fprintf(md, "\n\n");
}

/* Say so loudly when other work shared the CPUs the runs were pinned to. */
static void busy_host_warning(FILE *md, const struct report_data *d)
{
	double worst = 0;
	int busy = 0;

	for (int i = 0; i < d->ngroups; i++)
		for (int s = 0; s < d->groups[i].nseries; s++) {
			struct stats st;
			if (series_interference(&d->groups[i].series[s], d->groups[i].cpus, &st, NULL) == 0 &&
			    st.median > 0.05) {
				busy++;
				if (st.median > worst)
					worst = st.median;
			}
		}
	if (busy)
		fprintf(md, "\n**Warning: the host was busy.** In %d cell/environment series other "
			"processes took more than 5%% of the pinned CPUs' time (up to %.0f%%, column "
			"\"taken by others\" below). Those figures measure contention, not "
			"virtualization: rerun on an idle host.\n", busy, 100 * worst);
}

/* Name the mem cells whose arrays are too small for STREAM's rule on this host. */
static void stream_size_overview(FILE *md, const struct report_data *d)
{
	double array_mib, need_mib;
	int n = 0;

	for (int i = 0; i < d->ngroups; i++) {
		const struct group *g = &d->groups[i];
		if (!stream_undersized(g, d->env, &array_mib, &need_mib))
			continue;
		if (n++ == 0)
			fprintf(md, "\n**Arrays too small for STREAM's rule** (each at least 4 times "
				"the last-level caches, %g MiB per array here), so these mem figures "
				"mix cache and memory bandwidth:", need_mib);
		fprintf(md, " `mem %s` at %d CPU%s (%g MiB per array);", g->params, g->cpus,
			g->cpus == 1 ? "" : "s", array_mib);
	}
	if (n)
		fprintf(md, " see each cell.\n");
}

/* Name the series whose time is too short for the clock that took it. */
static void timer_resolution_overview(FILE *md, const struct report_data *d)
{
	int n = 0;

	for (int i = 0; i < d->ngroups; i++)
		for (int s = 0; s < d->groups[i].nseries; s++) {
			const struct group *g = &d->groups[i];
			double t, res;
			if (!series_below_timer(&g->series[s], &t, &res))
				continue;
			if (n++ == 0)
				fprintf(md, "\n**Below the timer's resolution** (one step of the clock that "
					"timed the run is more than 1%% of it, so the score is quantized; "
					"give the cell more work):");
			fprintf(md, " `%s%s%s` in %s: its runs took %g ms, timed in steps of %g ms"
				"%s;", g->workload, *g->params ? " " : "", g->params, g->series[s].env,
				t * 1000, res * 1000, res >= 1e-3 ? " (fio counts whole milliseconds)" : "");
		}
	if (n)
		fputc('\n', md);
}

/* One line per cell and environment: the figures a reader looks for first. */
static void overview_section(FILE *md, const struct report_data *d, json_t *refs,
			     const char *chart, const char *chart_note)
{
	json_t *headline = json_object_get(refs, "headline");
	int measured = report_is_measurement(d->env);

	fprintf(md, "\n## Overview\n\n");
	partial_run_warning(md, d);
	if (!measured)
		fprintf(md, "**Not a measurement:** %lld repetition(s) per cell, too few for a median "
			"and its spread; this run only checks that every cell runs. %d measured runs, "
			"%d failed%s. Overheads are left out, and so are the papers' figures; run a "
			"suite of at least 3 repetitions (`quick`) to measure.\n\n",
			json_integer_value(json_object_get(d->env, "reps")), d->n_measured, d->n_failed,
			d->n_failed ? " (see Failures)" : "");
	else
	fprintf(md, "%d measured runs (plus %d warm-up runs), %d failed%s. "
		"Overhead = (native median − env median) / native median × 100: "
		"positive means slower than native. Beside it, %s%g%% (%s) [%s]. "
		"Paired CI: the confidence interval of the median of the per-repetition "
		"overheads (the runs of one repetition ran back to back, so host drift "
		"cancels), by the sign test; in brackets the coverage that N ok reaches "
		"(94%% for 5 runs, 96%% for 9): an interval that holds 0 shows no "
		"measurable difference. Only where the runs were interleaved across "
		"environments: – for net cells (one environment after the other) and "
		"for runs recorded before vmbench interleaved them (no run order "
		"above).\n\n",
		d->n_measured, d->n_warmup, d->n_failed,
		d->n_failed ? " (see Failures)" : "",
		"Disco's worst uniprocessor overhead, ",
		json_number_value(json_object_get(headline, "overhead_pct")),
		str_or(headline, "what", ""), ref_label(refs, str_or(headline, "source", "disco")));
	fprintf(md, "| workload | cpus | env | N ok | median score | unit | overhead vs native | paired CI |\n");
	fprintf(md, "|---|---:|---|---:|---:|---|---:|---:|\n");
	for (int i = 0; i < d->ngroups; i++) {
		const struct group *g = &d->groups[i];
		const struct series *native = group_series(g, "native");
		struct stats nst, st;
		int have_native = native && series_stats(native, "score", 0, &nst) == 0;

		for (int s = 0; s < g->nseries; s++) {
			const struct series *e = &g->series[s];
			char a[64] = "–", ov[32] = "–", ci[64] = "";
			if (series_stats(e, "score", 0, &st) == 0) {
				double t, res;
				fmt_num(a, sizeof(a), st.median);
				if (series_below_timer(e, &t, &res))
					snprintf(a + strlen(a), sizeof(a) - strlen(a),
						 " (below timer resolution)");
				if (measured && have_native && e != native && nst.median != 0) {
					fmt_pct(ov, sizeof(ov), (nst.median - st.median) / nst.median * 100);
					overhead_ci_text(ci, sizeof(ci), g, e);
				}
			}
			fprintf(md, "| %s%s%s | %d | %s | %d | %s | %s | %s | %s |\n", g->workload,
				*g->params ? " " : "", g->params, g->cpus, e->env, e->n_ok,
				e->unavailable ? "not run" : a, g->score_unit ? g->score_unit : "",
				e == native && measured ? "(baseline)" : ov, ci);
		}
	}
	busy_host_warning(md, d);
	timer_resolution_overview(md, d);
	stream_size_overview(md, d);
	if (chart)
		fprintf(md, "\n![Overhead against native with its paired CI, beside Disco's and Xen's figures](%s)\n", chart);
	else if (chart_note)
		fprintf(md, "\n(No chart: %s.)\n", chart_note);
}

/*
 * The line of a failed run's output that says why: the last one, unless it
 * is a "usage:" line (the remedy), when the one before it is the reason.
 */
static const char *reason_line(json_t *tail)
{
	size_t n = json_array_size(tail);
	const char *last = n ? json_string_value(json_array_get(tail, n - 1)) : NULL;
	const char *before = n > 1 ? json_string_value(json_array_get(tail, n - 2)) : NULL;

	if (last && before && !strncmp(last, "usage:", 6))
		return before;
	return last ? last : "";
}

static void failures_section(FILE *md, const struct report_data *d)
{
	size_t i;
	json_t *rec;
	int n = 0;
	char cell[600];

	fprintf(md, "\n## Failures\n\n");
	if (d->n_failed == 0 && d->n_unavailable == 0 && d->n_bad_lines == 0)
		fprintf(md, "None: every measured run %spassed its own check and exited 0.\n",
			is_partial(d) ? "that ran " : "");
	else if (d->n_failed == 0 && d->n_unavailable == 0)
		fprintf(md, "No measured run that could be read failed; see below for the lines "
			"that could not.\n");
	else
		fprintf(md, "%d of %d measured runs failed; %d cell/environment pairs were not run. "
			"A failed run is left out of the statistics above.\n\n",
			d->n_failed, d->n_measured, d->n_unavailable);
	json_array_foreach(d->records, i, rec) {
		if (json_is_true(json_object_get(rec, "ok")))
			continue;
		json_t *params = json_object_get(rec, "params"), *p;
		json_t *tail = json_object_get(rec, "stderr_tail");
		if (!json_array_size(tail))   /* a VM's guest says why on its console */
			tail = json_object_get(rec, "stdout_tail");
		size_t j;
		if (n++ == 0)
			fprintf(md, "| workload | cpus | env | run | error | the last line it printed (stderr, else stdout) |\n"
				"|---|---:|---|---|---|---|\n");
		fprintf(md, "| %s", str_or(rec, "workload", "?"));
		json_array_foreach(params, j, p)
			fprintf(md, " %s", json_string_value(p) ? json_string_value(p) : "");
		fprintf(md, " | %lld | %s | ", json_integer_value(json_object_get(rec, "cpus")),
			str_or(rec, "env", "?"));
		if (json_is_true(json_object_get(rec, "unavailable")))
			fprintf(md, "all");
		else
			fprintf(md, "%s %lld", json_is_true(json_object_get(rec, "warmup")) ?
				"warm-up" : "rep", json_integer_value(json_object_get(rec, "rep")));
		fprintf(md, " | %s |", md_cell(cell, sizeof(cell), str_or(rec, "error", "?")));
		fprintf(md, " %s |\n", md_cell(cell, sizeof(cell), reason_line(tail)));
	}
	if (d->n_bad_lines)
		fprintf(md, "\n%d line(s) of results.jsonl could not be read (a run cut off mid-write?).\n",
			d->n_bad_lines);
}

static void references_section(FILE *md, json_t *refs)
{
	const char *key;
	json_t *src;

	fprintf(md, "\n## References\n\n");
	json_object_foreach(json_object_get(refs, "sources"), key, src)
		fprintf(md, "- [%s] %s\n", str_or(src, "label", key), str_or(src, "cite", ""));
	fprintf(md, "\nThe figures are kept, with their sources, in reports/references.json.\n");
}

int report_md_write(FILE *md, const struct report_data *d, json_t *refs,
		    const char *chart, const char *chart_note)
{
	fprintf(md, "# vmbench report: suite %s%s\n\n", str_or(d->env, "suite", "(unknown: no environment.json)"),
		is_partial(d) ? " (partial run)" : "");
	fprintf(md, "Run directory `%s`. Raw data: `results.jsonl` (one JSON object per run), "
		"`environment.json`, `suite.json`.\n\n", d->dir);
	environment_section(md, d);
	overview_section(md, d, refs, chart, chart_note);
	fprintf(md, "\n## Results per workload\n\n"
		"N ok = measured runs that passed the workload's check and exited 0 "
		"(warm-up runs are not counted). Spread: min – max, sample standard deviation "
		"and interquartile range of the score.\n");
	for (int i = 0; i < d->ngroups; i++)
		report_cell(md, &d->groups[i], refs, d->env);
	report_numa_section(md, d, refs);
	report_density_section(md, d, refs);
	failures_section(md, d);
	references_section(md, refs);
	return ferror(md) ? -1 : 0;
}
