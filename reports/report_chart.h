/* A bar chart of each environment's median score relative to native (gnuplot). */
#ifndef REPORTS_REPORT_CHART_H
#define REPORTS_REPORT_CHART_H

#include <stddef.h>

#include "report_data.h"

/*
 * Writes DIR/relative.csv and DIR/relative.gp and renders DIR/relative.svg.
 * Returns the chart's file name, or NULL with the reason in note.
 */
const char *report_chart(const struct report_data *d, char *note, size_t notelen);

#endif
