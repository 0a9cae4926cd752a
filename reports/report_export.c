/* Summary export (report_export.h). */
#include <stdlib.h>
#include <string.h>

#include "report_export.h"
#include "report_fmt.h"

/* The columns, in CSV order; the JSON rows have the same keys. */
static const char *const columns[] = {
	"workload", "params", "cpus", "env", "n_ok", "n_failed", "score_unit", "median",
	"min", "max", "stddev", "overhead_pct", "ci_lo_pct", "ci_hi_pct", "ci_coverage",
	"not_run", NULL,
};

static json_t *row(const struct group *g, const struct series *s)
{
	const struct series *native = group_series(g, "native");
	struct stats st, nst;
	json_t *r = json_pack("{s:s, s:s, s:i, s:s, s:i, s:i}", "workload", g->workload,
			      "params", g->params, "cpus", g->cpus, "env", s->env,
			      "n_ok", s->n_ok, "n_failed", s->n_failed);

	json_object_set_new(r, "score_unit", g->score_unit ? json_string(g->score_unit) : json_null());
	if (s->unavailable)
		json_object_set_new(r, "not_run", json_string(s->unavailable));
	if (series_stats(s, "score", 0, &st) < 0)
		return r;
	json_object_set_new(r, "median", json_real(st.median));
	json_object_set_new(r, "min", json_real(st.min));
	json_object_set_new(r, "max", json_real(st.max));
	json_object_set_new(r, "stddev", json_real(st.stddev));
	if (!native || native == s || series_stats(native, "score", 0, &nst) < 0 || nst.median == 0)
		return r;
	json_object_set_new(r, "overhead_pct", json_real((nst.median - st.median) / nst.median * 100));
	if (g->paired) {
		size_t max = json_array_size(s->runs) + 1, n;
		double *x = calloc(max, sizeof(*x)), lo, hi, coverage = -1;
		if (x && (n = series_paired_overheads(native, s, "score", x, max)) > 0)
			coverage = stats_median_ci(x, n, 0.95, &lo, &hi);
		if (coverage >= 0) {
			json_object_set_new(r, "ci_lo_pct", json_real(lo));
			json_object_set_new(r, "ci_hi_pct", json_real(hi));
			json_object_set_new(r, "ci_coverage", json_real(coverage));
		}
		free(x);
	}
	return r;
}

json_t *report_export_json(const struct report_data *d)
{
	json_t *rows = json_array();

	for (int i = 0; i < d->ngroups; i++)
		for (int s = 0; s < d->groups[i].nseries; s++)
			json_array_append_new(rows, row(&d->groups[i], &d->groups[i].series[s]));
	return json_pack("{s:s, s:s, s:b, s:o}", "suite", str_or(d->env, "suite", "?"),
			 "dir", d->dir, "partial", d->n_recorded < d->n_planned, "rows", rows);
}

static void csv_field(FILE *f, json_t *v)
{
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strpbrk(s, ",\"\n\r")) {
			fputc('"', f);
			for (; *s; s++) {
				if (*s == '"')
					fputc('"', f);
				fputc(*s, f);
			}
			fputc('"', f);
		} else {
			fputs(s, f);
		}
	} else if (json_is_integer(v)) {
		fprintf(f, "%lld", json_integer_value(v));
	} else if (json_is_real(v)) {
		fprintf(f, "%.6g", json_real_value(v));
	}   /* missing or null: an empty field */
}

int report_export_csv(FILE *f, const struct report_data *d)
{
	json_t *all = report_export_json(d), *r;
	size_t i;

	for (int c = 0; columns[c]; c++)
		fprintf(f, "%s%s", c ? "," : "", columns[c]);
	fputc('\n', f);
	json_array_foreach(json_object_get(all, "rows"), i, r) {
		for (int c = 0; columns[c]; c++) {
			if (c)
				fputc(',', f);
			csv_field(f, json_object_get(r, columns[c]));
		}
		fputc('\n', f);
	}
	json_decref(all);
	return ferror(f) ? -1 : 0;
}
