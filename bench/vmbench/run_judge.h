/*
 * Whether a run passed, and why not, from what its runner saw (the exit,
 * the result line); and the load the host had when it started.
 */
#ifndef VMBENCH_RUN_JUDGE_H
#define VMBENCH_RUN_JUDGE_H

#include <stddef.h>

#include "result_line.h"
#include "runner.h"
#include "suite.h"

/* The 1-minute load average, or -1: other load on the host skews a run. */
double loadavg_1m(void);

/*
 * 1 when the run of cell c is ok; else 0 and the reason in error. *parsed
 * says whether line holds the run's result line.
 */
int judge(const struct cell *c, const struct run_result *res, struct result_line *line,
	  int *parsed, char *error, size_t errlen, int timeout_s);

#endif
