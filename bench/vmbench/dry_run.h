/* `vmbench run --dry-run`: what a run would do, from its plan, without doing it. */
#ifndef VMBENCH_DRY_RUN_H
#define VMBENCH_DRY_RUN_H

#include <stdio.h>
#include <jansson.h>

#include "suite.h"

/*
 * Prints to f every (cell, environment) of plan (vmbench's plan: workload,
 * params, cpus, env, runs) with its runs, or why it would not run (envs:
 * environment.json's "envs", with "why"), then the total and the longest
 * it may take (runs x timeout_s). Returns the number of runs.
 */
int dry_run_print(FILE *f, const struct suite *s, json_t *plan, json_t *envs, int timeout_s);

/*
 * Seconds the plan's runs took in the suite's last run under results/ (the
 * mean wall time of each pair there, or of all its runs for a pair it did
 * not have), or -1 when there is none; *from (malloc'd, may be NULL) names
 * its directory.
 */
double estimate_from_last_run(const char *suite, json_t *plan, char **from);

#endif
