/*
 * vmbench run's progress on stderr, one line per run:
 *   [ 3/30] container  cpu --size 64 (cpus 1) rep 1/5  ..0:10 ..0:20  39.42 Mrays/s, 24.1 s  [0:34, about 2:10 left]
 * The environment column is as wide as the longest environment's name; a
 * run longer than the tick (VMBENCH_PROGRESS_S, 10 s) adds its running time
 * every tick; the elapsed time and the estimate of what is left are stamped
 * when the run ends; scores have four significant digits.
 */
#ifndef VMBENCH_PROGRESS_H
#define VMBENCH_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct progress {
	uint64_t start_ns;     /* when the first run began */
	int total;             /* runs planned */
	int name_width;        /* the environment column */
	int tick_s;            /* 0: no ticks */
};

void progress_init(struct progress *p, int total);
/* The start of run `done` of total; ticks follow while it runs. */
void progress_run_begins(struct progress *p, int done, const char *env, const char *cell,
			 const char *what, int rep, int of);
/* Its end: `result` (a score or FAILED: ...), then the time stamps. */
void progress_run_ends(struct progress *p, int done, const char *result);
/* A (cell, environment) that does not run, and why. */
void progress_not_run(const struct progress *p, const char *env, const char *cell, const char *why);
/* The time since the first run, "M:SS" or "H:MM:SS". */
const char *progress_elapsed(const struct progress *p, char *buf, size_t len);
/* A score with four significant digits, never in exponent form. */
const char *progress_score(char *buf, size_t len, double score);

#endif
