/*
 * One cell's section of report.md: the score table with overhead against
 * native and the papers' figures, what each run cost, the workload's own
 * metrics, and for VMs the exits by reason and the monitor's figures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fmt.h"
#include "report_md.h"

/* Names of metrics worth a human label. */
static const struct {
	const char *key, *label;
} metric_labels[] = {
	{ "null_ns", "ns per null hypercall (MMIO exit)" },
	{ "doorbell_ns", "ns per doorbell write (ioeventfd, no exit)" },
	{ "batch_ns", "ns per call in a batch" },
	{ "copy_mbs", "STREAM copy, MB/s" },
	{ "scale_mbs", "STREAM scale, MB/s" },
	{ "add_mbs", "STREAM add, MB/s" },
	{ "triad_mbs", "STREAM triad, MB/s" },
	{ "ns_per_load", "ns per dependent load (random chase)" },
	{ "ns_per_read", "ns per clock read" },
	{ "interrupts_per_s", "interruptions per second (gaps over the threshold)" },
	{ "lost_us_per_s", "us per second taken from the thread" },
	{ "mean_gap_us", "mean interruption, us" },
	{ "max_gap_us", "longest interruption, us" },
	{ "threshold_ns", "gap threshold, ns (1000, or 10 clock reads on a slow clock)" },
	{ "time_s", "time measured by the workload, s" },
	{ "time_res_s", "resolution of the clock that timed it, s" },
	{ "bw_kibs", "bandwidth, KiB/s" },
	{ "iops", "I/O operations per second" },
	{ "clat_mean_ns", "completion latency, mean, ns" },
	{ "clat_p50_ns", "completion latency, median, ns" },
	{ "clat_p99_ns", "completion latency, 99th percentile, ns" },
	{ "clat_p999_ns", "completion latency, 99.9th percentile, ns" },
	{ "requests", "requests" },
	{ "errors", "failed requests" },
	{ "flushes", "flushes (fsync)" },
	{ "bs", "block size, bytes" },
	{ "qd", "queue depth" },
	{ "write", "writes (1) or reads (0)" },
	{ "random", "random (1) or sequential (0) offsets" },
	{ "kicks", "notifications to the back end (kicks)" },
	{ "kicks_per_request", "kicks per request" },
	{ "sleeps", "times the guest blocked waiting" },
	{ "requests_per_kick", "requests per kick" },
	{ "requests_per_event", "requests per completion event" },
	{ "notifications_per_s", "notifications per second, both ways" },
	{ "mmio_exits", "MMIO exits" },
	{ "exits_per_mib", "exits per MiB moved" },
	{ "trap_and_emulate", "trap-and-emulate device (1) or rings (0)" },
	{ "array_mib", "array size, MiB" },
	{ "rtt_mean_us", "round trip, mean, us" },
	{ "rtt_p50_us", "round trip, median, us" },
	{ "rtt_p99_us", "round trip, 99th percentile, us" },
	{ "bytes", "bytes sent" },
	{ "peer_bytes", "bytes the peer received" },
	{ "tx_frames", "frames sent" },
	{ "rx_frames", "frames received" },
	{ "tx_frames_per_kick", "frames sent per kick" },
	{ "rx_frames_per_wakeup", "frames received per wake-up" },
	{ "tx_stalls", "send stalls (ring full)" },
	{ "tx_in_place", "frames sent with no copy" },
	{ "rx_dropped", "frames dropped (no guest stack memory)" },
	{ "checksum", "checksum (must match native)" },
};

static const char *metric_label(const char *key)
{
	for (size_t i = 0; i < sizeof(metric_labels) / sizeof(metric_labels[0]); i++)
		if (!strcmp(metric_labels[i].key, key))
			return metric_labels[i].label;
	return key;
}

/* Median of a value in a series as text, or "–". */
static const char *median_text(char *buf, size_t len, const struct series *s,
			       const char *path, int missing_is_zero)
{
	struct stats st;

	if (series_stats(s, path, missing_is_zero, &st) < 0)
		return "–";
	return fmt_num(buf, len, st.median);
}

const char *overhead_ci_text(char *buf, size_t len, const struct group *g,
			     const struct series *s)
{
	const struct series *native = group_series(g, "native");
	size_t max = json_array_size(s->runs) + 1;
	double *overheads = calloc(max, sizeof(*overheads)), lo, hi, coverage = -1;
	char a[32], b[32];

	snprintf(buf, len, "–");
	if (overheads && g->paired && native && native != s) {
		size_t n = series_paired_overheads(native, s, "score", overheads, max);
		coverage = stats_median_ci(overheads, n, 0.95, &lo, &hi);
	}
	if (coverage >= 0)
		snprintf(buf, len, "%s to %s (%.0f%%)", fmt_pct(a, sizeof(a), lo),
			 fmt_pct(b, sizeof(b), hi), 100 * coverage);
	free(overheads);
	return buf;
}

/*
 * The papers' figures are not a column here: the one that applies to every
 * workload (Disco's worst case) is in the overview once, and the ones for
 * this workload follow the table (reference_lines).
 */
static void score_table(FILE *md, const struct group *g, int measured)
{
	const struct series *native = group_series(g, "native");
	struct stats nst;
	int have_native = measured && native && series_stats(native, "score", 0, &nst) == 0;

	fprintf(md, "| env | N ok | median | min – max | stddev | IQR | overhead vs native | paired CI |\n");
	fprintf(md, "|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int i = 0; i < g->nseries; i++) {
		const struct series *s = &g->series[i];
		char a[32], b[32], c[32], e[32], f[32], ov[32] = "–", ci[64] = "–";
		struct stats st;

		if (s->unavailable) {
			char why[300];
			fprintf(md, "| %s | 0 | not run: %s | | | | | |\n", s->env,
				md_cell(why, sizeof(why), s->unavailable));
			continue;
		}
		if (series_stats(s, "score", 0, &st) < 0) {
			fprintf(md, "| %s | 0 of %d | – | – | – | – | – | – |\n", s->env,
				s->n_ok + s->n_failed);
			continue;
		}
		if (strcmp(s->env, "native") && have_native && nst.median != 0)
			fmt_pct(ov, sizeof(ov), (nst.median - st.median) / nst.median * 100);
		else if (!strcmp(s->env, "native"))
			snprintf(ov, sizeof(ov), "(baseline)");
		else if (measured)
			snprintf(ov, sizeof(ov), "no native run");
		if (strcmp(s->env, "native") && have_native)
			overhead_ci_text(ci, sizeof(ci), g, s);
		/* a coefficient of variation above 5% usually means other load on the host */
		char noisy[48] = "";
		if (st.n > 1 && st.mean != 0 && st.stddev / st.mean > 0.05)
			snprintf(noisy, sizeof(noisy), " (noisy: CV %.0f%%)", 100 * st.stddev / st.mean);
		fprintf(md, "| %s | %d%s | %s | %s – %s | %s%s | %s | %s | %s |\n", s->env,
			s->n_ok, s->n_failed ? " (+failed)" : "",
			fmt_num(a, sizeof(a), st.median), fmt_num(b, sizeof(b), st.min),
			fmt_num(c, sizeof(c), st.max), fmt_num(e, sizeof(e), st.stddev), noisy,
			fmt_num(f, sizeof(f), st.q3 - st.q1), ov, ci);
	}
}

static int string_in(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v) ? json_string_value(v) : "", s) ||
		    !strcmp(json_string_value(v) ? json_string_value(v) : "", "*"))
			return 1;
	return 0;
}

/* Papers' figures that apply to this workload and one of its environments. */
static void reference_lines(FILE *md, const struct group *g, json_t *refs)
{
	json_t *fig;
	size_t i;
	int printed = 0;

	if (!group_series(g, "native"))
		return; /* overheads need a native baseline */
	json_array_foreach(json_object_get(refs, "figures"), i, fig) {
		int env_match = 0, for_all = 0;
		size_t w;
		json_t *name;
		json_array_foreach(json_object_get(fig, "workloads"), w, name)
			for_all |= !strcmp(json_string_value(name) ? json_string_value(name) : "", "*");
		if (for_all)
			continue;   /* the overview gives it once */
		for (int s = 0; s < g->nseries; s++)
			env_match |= string_in(json_object_get(fig, "envs"), g->series[s].env);
		if (!env_match || !string_in(json_object_get(fig, "workloads"), g->workload))
			continue;
		json_t *range = json_object_get(fig, "overhead_pct_range");
		char pct[64];
		if (json_is_array(range))
			snprintf(pct, sizeof(pct), "%g–%g%%",
				 json_number_value(json_array_get(range, 0)),
				 json_number_value(json_array_get(range, 1)));
		else
			snprintf(pct, sizeof(pct), "%g%%",
				 json_number_value(json_object_get(fig, "overhead_pct")));
		fprintf(md, "%s- %s: %s [%s]\n",
			printed++ ? "" : "\nPublished overheads for comparison (positive = slower than native):\n\n",
			str_or(fig, "what", "?"), pct, ref_label(refs, str_or(fig, "source", "?")));
	}
}

static void cost_table(FILE *md, const struct group *g)
{
	fprintf(md, "\nWhat a run cost (medians of the ok runs), the limits it ran under, and how "
		"much of its pinned CPUs' time other work took meanwhile (should be near 0%%; \"too short "
		"to tell\" where a run lasted under 0.4 s: the kernel counts that time in 10 ms ticks):\n\n");
	fprintf(md, "| env | cpus | memory limit | wall s | CPU s | peak RSS MiB | taken by others |\n");
	fprintf(md, "|---|---:|---|---:|---:|---:|---:|\n");
	for (int i = 0; i < g->nseries; i++) {
		const struct series *s = &g->series[i];
		char a[32], b[32], c[32] = "–", l[32];
		struct stats st;

		if (s->unavailable)
			continue;
		if (series_stats(s, "max_rss_kib", 0, &st) == 0)
			fmt_num(c, sizeof(c), st.median / 1024);
		int too_short = 0;
		snprintf(l, sizeof(l), "–");
		if (series_interference(s, g->cpus, &st, &too_short) == 0)
			fmt_pct(l, sizeof(l), 100 * st.median);
		else if (too_short)
			snprintf(l, sizeof(l), "too short to tell");
		fprintf(md, "| %s | %d | %s | %s | %s | %s | %s |\n", s->env, g->cpus,
			s->mem ? s->mem : "none", median_text(a, sizeof(a), s, "wall_s", 0),
			median_text(b, sizeof(b), s, "cpu_s", 0), c, l);
	}
}

static void metrics_table(FILE *md, const struct group *g, json_t *refs)
{
	json_t *keys = json_array(), *k;
	size_t i;
	int is_hypercall = !strcmp(g->workload, "hypercall");

	for (int s = 0; s < g->nseries; s++) {
		json_t *more = series_keys(&g->series[s], "metrics");
		json_array_foreach(more, i, k)
			if (!string_in(keys, json_string_value(k)))
				json_array_append(keys, k);
		json_decref(more);
	}
	if (json_array_size(keys) <= 1) { /* score alone is in the table above */
		json_decref(keys);
		return;
	}
	fprintf(md, "\n%s (median, min – max):\n\n| figure |",
		is_hypercall ? "Hypercall costs" : "The workload's own figures");
	for (int s = 0; s < g->nseries; s++)
		if (!g->series[s].unavailable)
			fprintf(md, " %s |", g->series[s].env);
	fprintf(md, "%s\n|---|", is_hypercall ? " for comparison |" : "");
	for (int s = 0; s < g->nseries; s++)
		if (!g->series[s].unavailable)
			fprintf(md, "---:|");
	fprintf(md, "%s\n", is_hypercall ? "---|" : "");

	json_array_foreach(keys, i, k) {
		const char *key = json_string_value(k);
		char path[96];

		if (!strcmp(key, "score") || !strcmp(key, "threads"))
			continue;
		snprintf(path, sizeof(path), "metrics.%s", key);
		fprintf(md, "| %s |", metric_label(key));
		for (int s = 0; s < g->nseries; s++) {
			char a[32], b[32], c[32];
			struct stats st;
			if (g->series[s].unavailable)
				continue;
			if (series_stats(&g->series[s], path, 0, &st) < 0)
				fprintf(md, " – |");
			else if (st.min == st.max)
				fprintf(md, " %s |", fmt_num(a, sizeof(a), st.median));
			else
				fprintf(md, " %s (%s – %s) |", fmt_num(a, sizeof(a), st.median),
					fmt_num(b, sizeof(b), st.min), fmt_num(c, sizeof(c), st.max));
		}
		if (is_hypercall) {
			json_t *ref;
			size_t r;
			int n = 0;
			json_array_foreach(json_object_get(refs, "hypercall"), r, ref) {
				if (strcmp(str_or(ref, "metric", ""), key))
					continue;
				fprintf(md, "%s%g ns: %s [%s]", n++ ? "; " : " ",
					json_number_value(json_object_get(ref, "value_ns")),
					str_or(ref, "what", ""), ref_label(refs, str_or(ref, "source", "?")));
			}
			fprintf(md, " |");
		}
		fprintf(md, "\n");
	}
	json_decref(keys);
}

/* The VM's exits by reason, when the series has any. */
static void exits_table(FILE *md, const struct series *s)
{
	json_t *reasons = series_keys(s, "exits"), *r;
	size_t i;

	if (json_array_size(reasons) == 0) {
		json_decref(reasons);
		return;
	}
	fprintf(md, "\nVM exits in `%s` (median per run over the ok runs):\n\n", s->env);
	fprintf(md, "| exit reason | count | monitor time, ms |\n|---|---:|---:|\n");
	json_array_foreach(reasons, i, r) {
		char path[96], a[32], b[32] = "–";
		struct stats st;
		snprintf(path, sizeof(path), "exits.%s", json_string_value(r));
		median_text(a, sizeof(a), s, path, 1);
		snprintf(path, sizeof(path), "monitor.exit_monitor_s.%s", json_string_value(r));
		if (series_stats(s, path, 0, &st) == 0)
			fmt_num(b, sizeof(b), 1000 * st.median);
		fprintf(md, "| %s | %s | %s |\n", json_string_value(r), a, b);
	}
	json_decref(reasons);
}

/* The figures a VM monitor or ctrun recorded (start-up, checkpoint/restore),
 * those the series has. */
static void monitor_figures(FILE *md, const struct series *s)
{
	static const char *const monitor_keys[] = {
		"startup_ms", "spawn_to_guest_ms", "guest_s", "monitor_s", "monitor_rss_kib",
		"guest_touched_kib", "checkpoint_ms", "restore_ms", "image_mib", "pages_mib", NULL
	};
	int n = 0;

	for (int k = 0; monitor_keys[k]; k++) {
		char path[96], a[32];
		struct stats st;
		snprintf(path, sizeof(path), "monitor.%s", monitor_keys[k]);
		if (series_stats(s, path, 0, &st) < 0)
			continue;
		if (n++ == 0)
			fprintf(md, "\nFigures from `%s`'s monitor or runtime (median):", s->env);
		else
			fprintf(md, ",");
		fprintf(md, " %s %s", monitor_keys[k], fmt_num(a, sizeof(a), st.median));
	}
	if (n)
		fprintf(md, ".\n");
}

int stream_undersized(const struct group *g, json_t *env, double *array_mib, double *need_mib)
{
	json_t *llc = json_object_get(json_object_get(env, "topology"), "llc_mib");
	struct stats st;

	if (strcmp(g->workload, "mem") || !json_is_number(llc))
		return 0;
	for (int i = 0; i < g->nseries; i++) {
		if (series_stats(&g->series[i], "metrics.array_mib", 0, &st) < 0)
			continue;
		*array_mib = st.median;
		*need_mib = 4 * json_number_value(llc);
		return *array_mib < *need_mib;
	}
	return 0;
}

static void stream_size_warning(FILE *md, const struct group *g, json_t *env)
{
	json_t *topo = json_object_get(env, "topology");
	double array_mib, need_mib;
	char a[32], b[32], c[32];

	if (!stream_undersized(g, env, &array_mib, &need_mib))
		return;
	fprintf(md, "\n**STREAM's sizing rule is not met:** each array is %s MiB, but STREAM asks "
		"for at least 4 times the last-level caches (%s MiB of L%lld on this host): %s MiB "
		"per array, `--mib %.0f` or more. Part of the arrays can then stay in the cache "
		"between passes, and environments that keep more or less of it there differ by "
		"that, not by their memory bandwidth.\n",
		fmt_num(a, sizeof(a), array_mib),
		fmt_num(b, sizeof(b), json_number_value(json_object_get(topo, "llc_mib"))),
		json_integer_value(json_object_get(topo, "llc_level")),
		fmt_num(c, sizeof(c), need_mib), ceil(3 * need_mib));
}

void report_cell(FILE *md, const struct group *g, json_t *refs, json_t *env)
{
	fprintf(md, "\n### %s%s%s, %d CPU%s\n\n", g->workload, *g->params ? " " : "",
		g->params, g->cpus, g->cpus == 1 ? "" : "s");
	fprintf(md, "Score in %s, higher is better.\n\n", g->score_unit ? g->score_unit : "(no unit: no run passed)");
	int measured = report_is_measurement(env);

	score_table(md, g, measured);
	stream_size_warning(md, g, env);
	if (measured)
		reference_lines(md, g, refs);
	cost_table(md, g);
	metrics_table(md, g, refs);
	for (int i = 0; i < g->nseries; i++)
		if (!g->series[i].unavailable) {
			exits_table(md, &g->series[i]);
			monitor_figures(md, &g->series[i]);
		}
}
