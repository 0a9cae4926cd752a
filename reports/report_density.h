/* The density section of report.md (issue 12, Disco's Fig. 6): footprint with and without sharing. */
#ifndef REPORTS_REPORT_DENSITY_H
#define REPORTS_REPORT_DENSITY_H

#include <stdio.h>
#include <jansson.h>

#include "report_data.h"

/*
 * Writes "## Density" when the run holds dataset cells of VM variants with
 * a --disk ,ro or ,ro,share, or with "instances" (the density suite), and renders density.svg
 * (gnuplot; density.csv and density.gp stay in the run directory); else nothing.
 */
void report_density_section(FILE *md, const struct report_data *d, json_t *refs);

#endif
