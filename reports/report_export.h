/*
 * The summary of a run directory for other tools (`vmbench report --format
 * csv|json`, as hyperfine's --export options): one row per cell and
 * environment with its counts, the score's statistics, the overhead
 * against native and its paired CI, or why it did not run.
 */
#ifndef REPORTS_REPORT_EXPORT_H
#define REPORTS_REPORT_EXPORT_H

#include <stdio.h>
#include <jansson.h>

#include "report_data.h"

/* The rows as a JSON object {suite, dir, rows: [...]}; the caller frees it. */
json_t *report_export_json(const struct report_data *d);

/* The same rows as CSV with a header line (RFC 4180 quoting). 0, or -1 on a write error. */
int report_export_csv(FILE *f, const struct report_data *d);

#endif
