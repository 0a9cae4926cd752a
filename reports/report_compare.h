/*
 * `vmbench compare DIR_A DIR_B [...]`: the same cells across run
 * directories (runs on other days, hosts or builds), as the Phoronix Test
 * Suite's compare and merge do: each run's median score with its N, and
 * each later run's ratio to the first with an interval.
 */
#ifndef REPORTS_REPORT_COMPARE_H
#define REPORTS_REPORT_COMPARE_H

#include <stdio.h>

#include "report_data.h"

/*
 * Markdown to md: one row per (cell, environment) found in any of the n
 * run directories, in the first one's order. The interval of a ratio B/A
 * is [lo_B / hi_A, hi_B / lo_A] from the sign-test CIs of both medians
 * (conservative: the runs of two directories are not paired); "–" where
 * either has fewer than 2 ok runs. 0, or -1 on a write error.
 */
int report_compare_write(FILE *md, const struct report_data *runs, int n);

/* `vmbench compare [--html FILE] DIR_A DIR_B [...]` (cmd_report.c's sibling). */
int cmd_compare(int argc, char **argv);

#endif
