/*
 * A run directory in memory: environment.json and every record of
 * results.jsonl, grouped by cell (workload, params, cpus) and environment.
 */
#ifndef REPORTS_REPORT_DATA_H
#define REPORTS_REPORT_DATA_H

#include <stddef.h>
#include <jansson.h>

#include "../bench/common/stats.h" /* lwvmm/ has a stats.h too */

#define REPORT_MAX_ENVS 8

struct series {                /* one environment of one cell */
	const char *env;
	json_t *runs;              /* measured (non-warm-up) records, borrowed */
	int n_ok, n_failed, n_warmup;
	const char *mem;           /* the limit it ran under, NULL = none */
	const char *unavailable;   /* why it could not run, or NULL */
};

struct group {                 /* one cell */
	const char *workload;
	char *params;              /* "--size 256" */
	int cpus;
	int net;                   /* a net cell (suite.json): its environments ran one after the other */
	int paired;                /* the runs of one repetition were neighbours in time */
	const char *score_unit;
	struct series series[REPORT_MAX_ENVS];
	int nseries;
};

struct report_data {
	char *dir;
	json_t *env;               /* environment.json, or an empty object */
	json_t *records;           /* every line of results.jsonl */
	struct group *groups;
	int ngroups;
	int n_measured, n_warmup, n_failed, n_unavailable, n_bad_lines;
	/*
	 * The plan (environment.json's "plan", from vmbench run) against what
	 * results.jsonl holds: runs planned and recorded, and for a run that
	 * stopped early the cells with no runs and those with fewer (Markdown
	 * text, malloc'd, NULL when none). n_planned is 0 without a plan.
	 */
	int n_planned, n_recorded;
	char *cells_without_runs, *cells_short_of_runs;
};

/*
 * Load DIR. -1 with a message in err when DIR has no results.jsonl, or it
 * holds no line that is a run (empty, or every line unreadable).
 */
int report_data_load(const char *dir, struct report_data *d, char *err, size_t errlen);
void report_data_free(struct report_data *d);

const struct series *group_series(const struct group *g, const char *env);

/*
 * Statistics of one number over the ok measured runs of a series. `path` is
 * a top-level key ("score", "wall_s") or "object.key" ("metrics.null_ns",
 * "exits.MMIO", "monitor.startup_ms", "monitor.exit_monitor_s.MMIO": keys
 * have no dots). Runs that lack it count as 0 when
 * missing_is_zero (exit counts), else they are left out. -1 when no value.
 */
int series_stats(const struct series *s, const char *path, int missing_is_zero,
		 struct stats *out);

/*
 * The overhead of `s` against `native` repetition by repetition, in percent
 * ((native - s) / native x 100 of `path`), over the repetitions where both
 * runs are ok: where the runs of one repetition ran back to back (the
 * group is `paired`), host drift between repetitions cancels. Fills at most
 * `max` values; returns how many.
 */
size_t series_paired_overheads(const struct series *native, const struct series *s,
			       const char *path, double *out, size_t max);

/*
 * The share (0..1) of `cpus` CPUs' time over window_s that others_s of
 * other work is, never above 1; -1 when the window is too short to tell:
 * /proc/stat counts in tick_s ticks, so others_s is off by up to 2 ticks
 * per CPU, and that must be at most 5 points of the share (the busy
 * banner's threshold): 0.4 s at 10 ms ticks.
 */
double interference_share(double others_s, double window_s, int cpus, double tick_s);

/*
 * Statistics of that share over the ok runs long enough to tell (window:
 * cpu_sample_s, else wall_s; ticks: cpu_tick_s, else 10 ms); -1 when no
 * run has it. *too_short (may be NULL) gets how many ok runs were too short.
 */
int series_interference(const struct series *s, int cpus, struct stats *out, int *too_short);

/*
 * 1 when the ok runs of a series were timed by a clock too coarse for them:
 * their median metrics.time_s is under 100 steps of metrics.time_res_s (a
 * step is then more than 1% of the figure; fio counts whole milliseconds).
 * *time_s and *res_s get the two medians. 0 otherwise or without them.
 */
int series_below_timer(const struct series *s, double *time_s, double *res_s);

/* The union of the keys of object `field` over a series' ok runs (a JSON array). */
json_t *series_keys(const struct series *s, const char *field);

#endif
