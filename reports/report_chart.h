/* The chart of each environment's overhead against native and its CI (gnuplot). */
#ifndef REPORTS_REPORT_CHART_H
#define REPORTS_REPORT_CHART_H

#include <stddef.h>

#include <jansson.h>

#include "report_data.h"

/*
 * Writes DIR/overhead.csv and DIR/overhead.gp and renders DIR/overhead.svg,
 * with the reference lines from refs (references.json). Returns the chart's
 * file name, or NULL with the reason in note (also for a run that is not a
 * measurement: report_is_measurement()).
 */
/* gnuplot's path, or NULL when it is not installed. */
const char *report_gnuplot_path(void);

const char *report_chart(const struct report_data *d, json_t *refs, char *note, size_t notelen);

#endif
