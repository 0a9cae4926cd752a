/* report.md: the environment, one section per cell, failures, references. */
#ifndef REPORTS_REPORT_MD_H
#define REPORTS_REPORT_MD_H

#include <stdio.h>
#include <jansson.h>

#include "report_data.h"

/* Writes the whole report; chart is a file name in the run dir or NULL (with note). */
int report_md_write(FILE *md, const struct report_data *d, json_t *refs,
		    const char *chart, const char *chart_note);

/* One cell's section (report_cell.c). */
void report_cell(FILE *md, const struct group *g, json_t *refs);

/*
 * "-0.4% to 2.1% (94%)": the confidence interval of the median overhead of
 * `s` against `native`, paired by repetition (report_cell.c); "–" when
 * fewer than 2 repetitions have both runs.
 */
const char *overhead_ci_text(char *buf, size_t len, const struct series *native,
			     const struct series *s);

#endif
