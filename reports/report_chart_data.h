/*
 * What the chart shows, without drawing it: one row per cell and
 * environment other than native, its overhead against native (the median's,
 * as in the tables) and the paired confidence interval of the overhead, and
 * the gnuplot script that draws the rows beside the papers' reference lines.
 */
#ifndef REPORTS_REPORT_CHART_DATA_H
#define REPORTS_REPORT_CHART_DATA_H

#include <stdio.h>
#include <jansson.h>

#include "report_data.h"

enum { CHART_WIDTH = 1100 };   /* pixels */

/*
 * Writes the rows as CSV to f: `y,label,overhead_pct,ci_lo,ci_hi`, one
 * block per environment (envs[e]), blocks separated by two blank lines
 * (gnuplot's `index e`); envs without a row are dropped from envs and
 * *nenvs. Labels are quoted (gnuplot reads "a, b" as one field). Where there is no paired CI, lo = hi = the
 * overhead. *xmin and *xmax get the range the rows and the reference lines
 * need, *label_chars the longest label's length. Returns the number of rows.
 */
int chart_write_csv(FILE *f, const struct report_data *d, const char **envs, int *nenvs,
		    double *xmin, double *xmax, int *label_chars);

/*
 * The gnuplot script for `rows` rows of chart_write_csv() in csv_name: a
 * title, horizontal labels, points with error bars, a line at 0, Disco's
 * worst case (refs' headline) and Xen's range (its figures) as reference
 * lines, named in the key.
 */
void chart_write_script(FILE *f, const struct report_data *d, json_t *refs, const char *csv_name,
			const char **envs, int nenvs, int rows, double xmin, double xmax, int label_chars);

/* The image's height in pixels for `rows` rows: every label has its line. */
int chart_height(int rows);

#endif
