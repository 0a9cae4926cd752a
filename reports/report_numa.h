/* The NUMA section of report.md: the numa suite's workloads per policy, beside Disco's. */
#ifndef REPORTS_REPORT_NUMA_H
#define REPORTS_REPORT_NUMA_H

#include <stdio.h>
#include <jansson.h>

#include "report_data.h"

/* Writes "## NUMA" when the run holds numa-eng or numa-ray cells; else nothing. */
void report_numa_section(FILE *md, const struct report_data *d, json_t *refs);

#endif
