/* report.md: the environment, one section per cell, failures, references. */
#ifndef REPORTS_REPORT_MD_H
#define REPORTS_REPORT_MD_H

#include <stdio.h>
#include <jansson.h>

#include "report_data.h"

/* Writes the whole report; chart is a file name in the run dir or NULL (with note). */
int report_md_write(FILE *md, const struct report_data *d, json_t *refs,
		    const char *chart, const char *chart_note);

/*
 * Whether the run measured anything: at least 3 repetitions per cell (a
 * suite such as smoke, one run per cell, only checks that everything runs;
 * its overheads are left out, not set beside the papers' figures).
 */
int report_is_measurement(json_t *env);

/* One cell's section (report_cell.c); env is environment.json. */
void report_cell(FILE *md, const struct group *g, json_t *refs, json_t *env);

/*
 * STREAM's rule: each array at least 4 times the last-level caches. 1 when
 * a mem cell's arrays (its array_mib figure) are smaller than that on the
 * host in env (then *array_mib and *need_mib, per array, are set); 0 when the
 * rule holds or cannot be checked.
 */
int stream_undersized(const struct group *g, json_t *env, double *array_mib, double *need_mib);

/*
 * "-0.4% to 2.1% (94%)": the confidence interval of the median overhead of
 * `s` against the group's native, paired by repetition (report_cell.c); "–"
 * when the group's runs of one repetition were not neighbours (g->paired)
 * or fewer than 2 repetitions have both runs.
 */
const char *overhead_ci_text(char *buf, size_t len, const struct group *g,
			     const struct series *s);

#endif
