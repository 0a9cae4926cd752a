/* One JSON object per run, appended to results.jsonl (the raw data). */
#ifndef VMBENCH_RESULTS_JSON_H
#define VMBENCH_RESULTS_JSON_H

#include <stdio.h>
#include <jansson.h>

#include "result_line.h"
#include "runner.h"

/* Everything the harness knows about one finished run. */
struct run_record {
	const struct suite *suite;
	const struct cell *cell;
	const char *env;
	const struct run_request *req;
	const char *pus;              /* "0-1" */
	const struct run_result *res;
	const struct result_line *line; /* NULL when none parsed */
	int ok;
	const char *error;            /* NULL or "" when ok */
	double loadavg;               /* 1-minute load average before the run, or -1 */
	int have_cpu_sample;          /* the two below are known */
	double pus_busy_s;            /* busy time of the pinned PUs during the run */
	double pus_steal_s;           /* their steal time (the host is a VM) */
	double cpu_sample_s;          /* the window between the two samples of them */
	double cpu_tick_s;            /* the samples' unit (10 ms ticks) */
};

json_t *results_record(const struct run_record *r);

/* The record for a cell that cannot run in env at all on this host. */
json_t *results_unavailable(const struct suite *s, const struct cell *c,
			    const char *env, const char *why);

/* Write one line and flush it to disk; 0 or -1. */
int results_append(FILE *f, json_t *record);

#endif
