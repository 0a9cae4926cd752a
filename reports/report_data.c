/* Loading and grouping a run directory's records. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_data.h"
#include "report_fmt.h"

/*
 * A cell's key text from a record, a plan entry or a suite cell: its params,
 * and for a VM variant " [lwvmm ARGS]", with a cell's disk_opts as
 * " --disk ,OPTS" last, then " [instances N]" (as bench/vmbench/suite.c labels it).
 */
static char *params_text(json_t *obj)
{
	size_t i;
	json_t *p, *params = json_object_get(obj, "params"), *args = json_object_get(obj, "lwvmm_args");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (json_is_string(params))
		fputs(json_string_value(params), f);
	json_array_foreach(params, i, p)
		fprintf(f, "%s%s", i ? " " : "", json_string_value(p) ? json_string_value(p) : "?");
	const char *disk_opts = json_string_value(json_object_get(obj, "disk_opts"));
	if (json_array_size(args) || disk_opts) {
		fprintf(f, "%s[lwvmm", len || ftell(f) ? " " : "");
		json_array_foreach(args, i, p)
			fprintf(f, " %s", json_string_value(p) ? json_string_value(p) : "?");
		if (disk_opts)
			fprintf(f, " --disk ,%s", disk_opts);
		fputs("]", f);
	}
	json_int_t instances = json_integer_value(json_object_get(obj, "instances"));
	if (instances > 0)
		fprintf(f, "%s[instances %lld]", len || ftell(f) ? " " : "", (long long)instances);
	fclose(f);
	return text;
}

static struct group *find_group(struct report_data *d, const char *workload,
				const char *params, int cpus)
{
	for (int i = 0; i < d->ngroups; i++)
		if (!strcmp(d->groups[i].workload, workload) &&
		    !strcmp(d->groups[i].params, params) && d->groups[i].cpus == cpus)
			return &d->groups[i];
	return NULL;
}

static struct group *add_group(struct report_data *d, const char *workload,
			       char *params, int cpus)
{
	struct group *grown = realloc(d->groups, (size_t)(d->ngroups + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	d->groups = grown;
	struct group *g = &d->groups[d->ngroups++];
	memset(g, 0, sizeof(*g));
	g->workload = workload;
	g->params = params;
	g->cpus = cpus;
	return g;
}

static struct series *find_series(struct group *g, const char *env)
{
	for (int i = 0; i < g->nseries; i++)
		if (!strcmp(g->series[i].env, env))
			return &g->series[i];
	if (g->nseries == REPORT_MAX_ENVS)
		return NULL;
	struct series *s = &g->series[g->nseries++];
	s->env = env;
	s->runs = json_array();
	return s;
}

/* Group one record; 0 when it is not a run (counted as a bad line). */
static int add_record(struct report_data *d, json_t *rec)
{
	const char *workload = json_string_value(json_object_get(rec, "workload"));
	const char *env = json_string_value(json_object_get(rec, "env"));
	int cpus = (int)json_integer_value(json_object_get(rec, "cpus"));
	int ok = json_is_true(json_object_get(rec, "ok"));
	char *params;
	struct group *g;
	struct series *s;

	if (!workload || !env) {
		d->n_bad_lines++;
		return 0;
	}
	params = params_text(rec);
	g = find_group(d, workload, params, cpus);
	if (g)
		free(params);
	else
		g = add_group(d, workload, params, cpus);
	s = g ? find_series(g, env) : NULL;
	if (!s)
		return 1;

	if (json_is_true(json_object_get(rec, "unavailable"))) {
		s->unavailable = json_string_value(json_object_get(rec, "error"));
		d->n_unavailable++;
		return 1;
	}
	if (!g->score_unit)
		g->score_unit = json_string_value(json_object_get(rec, "score_unit"));
	s->mem = json_string_value(json_object_get(rec, "mem"));
	if (json_is_true(json_object_get(rec, "warmup"))) {
		s->n_warmup++;
		d->n_warmup++;
		return 1;
	}
	json_array_append(s->runs, rec);
	d->n_measured++;
	if (ok) {
		s->n_ok++;
	} else {
		s->n_failed++;
		d->n_failed++;
	}
	return 1;
}

/* Mark the groups of net cells, as the run's copy of its suite (suite.json) names them. */
static void mark_net_cells(struct report_data *d)
{
	json_t *suite, *cell;
	char *path;
	size_t i;

	if (asprintf(&path, "%s/suite.json", d->dir) < 0)
		return;
	suite = json_load_file(path, 0, NULL);
	free(path);
	json_array_foreach(json_object_get(suite, "cells"), i, cell) {
		json_t *cpus = json_object_get(cell, "cpus");   /* 1 when missing, as in suite.c */
		char *params = params_text(cell);
		struct group *g = find_group(d, str_or(cell, "workload", ""), params,
					     cpus ? (int)json_integer_value(cpus) : 1);
		if (g)
			g->net = json_is_true(json_object_get(cell, "net"));
		free(params);
	}
	json_decref(suite);
}

/*
 * How many runs of the plan's (cell, env) pairs results.jsonl holds, and
 * which pairs have none or fewer than planned: a run stopped by Ctrl-C
 * must not read as complete. A pair recorded as unavailable is done.
 */
static void compare_with_plan(struct report_data *d)
{
	json_t *entry;
	size_t i;
	char *none = NULL, *few = NULL;
	size_t none_len = 0, few_len = 0;
	FILE *fnone = open_memstream(&none, &none_len), *ffew = open_memstream(&few, &few_len);
	int n_none = 0, n_few = 0;

	json_array_foreach(json_object_get(d->env, "plan"), i, entry) {
		char *params = params_text(entry);
		int cpus = (int)json_integer_value(json_object_get(entry, "cpus"));
		const char *workload = str_or(entry, "workload", "?"), *env = str_or(entry, "env", "?");
		json_int_t planned = json_integer_value(json_object_get(entry, "runs"));
		int runs = planned < 0 ? 0 : planned > 100000 ? 100000 : (int)planned;   /* vmbench's --reps bound */
		struct group *g = find_group(d, workload, params, cpus);
		const struct series *s = g ? group_series(g, env) : NULL;
		int have = s ? s->n_ok + s->n_failed + s->n_warmup : 0;

		if (runs > 0 && !(s && s->unavailable)) {
			d->n_planned += runs;
			d->n_recorded += have < runs ? have : runs;
			if (have == 0)
				fprintf(fnone, "%s `%s%s%s` (cpus %d) in %s", n_none++ ? "," : "",
					workload, *params ? " " : "", params, cpus, env);
			else if (have < runs)
				fprintf(ffew, "%s `%s%s%s` (cpus %d) in %s (%d of %d)", n_few++ ? "," : "",
					workload, *params ? " " : "", params, cpus, env, have, runs);
		}
		free(params);
	}
	fclose(fnone);
	fclose(ffew);
	d->cells_without_runs = n_none ? none : (free(none), NULL);
	d->cells_short_of_runs = n_few ? few : (free(few), NULL);
}

int report_data_load(const char *dir, struct report_data *d, char *err, size_t errlen)
{
	char *path;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int n_lines = 0;

	memset(d, 0, sizeof(*d));
	d->dir = strdup(dir);
	if (asprintf(&path, "%s/environment.json", dir) < 0)
		return -1;
	d->env = json_load_file(path, 0, NULL);
	if (!json_is_object(d->env)) {
		json_decref(d->env);
		d->env = json_object();
	}
	free(path);

	if (asprintf(&path, "%s/results.jsonl", dir) < 0)
		return -1;
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s is not a run directory: cannot read %s", dir, path);
		free(path);
		report_data_free(d);
		return -1;
	}
	free(path);
	d->records = json_array();
	while (getline(&line, &cap, f) > 0) {
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		json_t *rec = json_loads(line, 0, NULL);
		n_lines++;
		if (json_is_object(rec)) {
			if (add_record(d, rec))
				json_array_append(d->records, rec);
		} else {
			d->n_bad_lines++; /* e.g. the last line of a run killed mid-write */
		}
		json_decref(rec);
	}
	free(line);
	fclose(f);
	if (json_array_size(d->records) == 0) {
		if (n_lines == 0)
			snprintf(err, errlen, "%s/results.jsonl holds no runs (the run was stopped "
				 "before its first run ended, or nothing ran)", dir);
		else
			snprintf(err, errlen, "none of the %d lines of %s/results.jsonl is a run "
				 "vmbench wrote: nothing to report", n_lines, dir);
		report_data_free(d);
		return -1;
	}
	compare_with_plan(d);
	/*
	 * The runs of one repetition are neighbours in time only where vmbench
	 * interleaved them: since it records run_order, and never in net cells
	 * (one environment after the other).
	 */
	mark_net_cells(d);
	int interleaved = !strncmp(str_or(d->env, "run_order", ""), "interleaved", 11);
	for (int i = 0; i < d->ngroups; i++)
		d->groups[i].paired = interleaved && !d->groups[i].net;
	return 0;
}

void report_data_free(struct report_data *d)
{
	for (int i = 0; i < d->ngroups; i++) {
		free(d->groups[i].params);
		for (int s = 0; s < d->groups[i].nseries; s++)
			json_decref(d->groups[i].series[s].runs);
	}
	free(d->groups);
	free(d->dir);
	free(d->cells_without_runs);
	free(d->cells_short_of_runs);
	json_decref(d->env);
	json_decref(d->records);
	memset(d, 0, sizeof(*d));
}

const struct series *group_series(const struct group *g, const char *env)
{
	for (int i = 0; i < g->nseries; i++)
		if (!strcmp(g->series[i].env, env))
			return &g->series[i];
	return NULL;
}

/* The value at "a.b.c" in rec, or NULL. */
static json_t *lookup(json_t *rec, const char *path)
{
	const char *dot = strchr(path, '.');
	char head[64];

	if (!dot)
		return json_object_get(rec, path);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return lookup(json_object_get(rec, head), dot + 1);
}

/*
 * The statistics of one value per ok run of a series. value() gives a
 * run's value: 1 with *x set, or 0 when the run has none (left out).
 */
static int ok_runs_stats(const struct series *s,
			 int (*value)(json_t *rec, const void *arg, double *x),
			 const void *arg, struct stats *out)
{
	size_t i, n = 0;
	json_t *rec;
	double *x = calloc(json_array_size(s->runs) + 1, sizeof(*x));
	int rc;

	json_array_foreach(s->runs, i, rec)
		if (json_is_true(json_object_get(rec, "ok")) && value(rec, arg, &x[n]))
			n++;
	rc = stats_compute(x, n, out);
	free(x);
	return rc;
}

struct field {
	const char *path;
	int missing_is_zero;
};

static int field_value(json_t *rec, const void *arg, double *x)
{
	const struct field *f = arg;
	json_t *v = lookup(rec, f->path);

	if (json_is_number(v))
		*x = json_number_value(v);
	else if (f->missing_is_zero)
		*x = 0;
	else
		return 0;
	return 1;
}

int series_stats(const struct series *s, const char *path, int missing_is_zero,
		 struct stats *out)
{
	struct field f = { .path = path, .missing_is_zero = missing_is_zero };

	return ok_runs_stats(s, field_value, &f, out);
}

/* The ok run of repetition `rep` in a series, or NULL. */
static json_t *ok_run_of_rep(const struct series *s, json_int_t rep)
{
	size_t i;
	json_t *rec;

	json_array_foreach(s->runs, i, rec)
		if (json_is_true(json_object_get(rec, "ok")) &&
		    json_integer_value(json_object_get(rec, "rep")) == rep)
			return rec;
	return NULL;
}

size_t series_paired_overheads(const struct series *native, const struct series *s,
			       const char *path, double *out, size_t max)
{
	size_t i, n = 0;
	json_t *rec;

	json_array_foreach(s->runs, i, rec) {
		if (n == max || !json_is_true(json_object_get(rec, "ok")))
			continue;
		json_t *base = ok_run_of_rep(native, json_integer_value(json_object_get(rec, "rep")));
		json_t *v = lookup(rec, path), *b = base ? lookup(base, path) : NULL;
		if (json_is_number(v) && json_is_number(b) && json_number_value(b) != 0)
			out[n++] = (json_number_value(b) - json_number_value(v)) /
				   json_number_value(b) * 100;
	}
	return n;
}

int series_below_timer(const struct series *s, double *time_s, double *res_s)
{
	struct stats t, res;

	if (series_stats(s, "metrics.time_s", 0, &t) < 0 ||
	    series_stats(s, "metrics.time_res_s", 0, &res) < 0)
		return 0;
	*time_s = t.median;
	*res_s = res.median;
	return res.median > 0 && t.median < 100 * res.median;
}

json_t *series_keys(const struct series *s, const char *field)
{
	json_t *keys = json_array(), *rec, *v;
	size_t i, k;
	const char *key;

	json_array_foreach(s->runs, i, rec) {
		if (!json_is_true(json_object_get(rec, "ok")))
			continue;
		json_object_foreach(json_object_get(rec, field), key, v) {
			int seen = 0;
			json_t *have;
			json_array_foreach(keys, k, have)
				seen |= !strcmp(json_string_value(have), key);
			if (!seen)
				json_array_append_new(keys, json_string(key));
		}
	}
	return keys;
}

double interference_share(double others_s, double window_s, int cpus, double tick_s)
{
	const double resolution = 0.05;
	double share;

	if (cpus < 1 || window_s <= 0 || window_s + 1e-9 < 2 * tick_s / resolution)
		return -1;
	share = others_s / (window_s * cpus);
	return share < 0 ? 0 : share > 1 ? 1 : share;
}

struct interference_arg {
	int cpus;
	int too_short;
};

static int interference_value(json_t *rec, const void *arg, double *x)
{
	struct interference_arg *a = (struct interference_arg *)arg;
	json_t *others = json_object_get(rec, "others_cpu_s");
	json_t *window = json_object_get(rec, "cpu_sample_s"), *tick = json_object_get(rec, "cpu_tick_s");
	double w = json_is_number(window) ? json_number_value(window) :
		   json_number_value(json_object_get(rec, "wall_s"));
	double share;

	if (!json_is_number(others))
		return 0;
	share = interference_share(json_number_value(others), w, a->cpus,
				   json_is_number(tick) ? json_number_value(tick) : 0.01);
	if (share < 0) {
		a->too_short++;
		return 0;
	}
	*x = share;
	return 1;
}

int series_interference(const struct series *s, int cpus, struct stats *out, int *too_short)
{
	struct interference_arg a = { .cpus = cpus };
	int rc = ok_runs_stats(s, interference_value, &a, out);

	if (too_short)
		*too_short = a.too_short;
	return rc;
}
