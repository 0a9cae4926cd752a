/*
 * The workloads' machine-readable result line (see bench/workloads/wl.h):
 *   result workload=cpu ok=1 score=12.34 score_unit=Mrays/s time_s=0.52 ...
 * Keys are [a-z0-9_]+; every value is a number except `workload` and
 * `score_unit`, which are words without spaces.
 */
#ifndef VMBENCH_RESULT_LINE_H
#define VMBENCH_RESULT_LINE_H

#include <stddef.h>

#define RESULT_LINE_MAX    2048 /* longer lines are rejected, not truncated */
#define RESULT_MAX_METRICS 64
#define RESULT_KEY_MAX     48
#define RESULT_WORD_MAX    48

struct result_metric {
	char key[RESULT_KEY_MAX];
	double value;
};

struct result_line {
	char workload[RESULT_WORD_MAX];
	char score_unit[RESULT_WORD_MAX];
	int ok;        /* the workload's own check: ok=1 */
	double score;  /* headline, higher is better */
	/* every numeric pair in order, ok and score included */
	int nmetrics;
	struct result_metric metrics[RESULT_MAX_METRICS];
};

/*
 * Parse one line (with or without the trailing newline). Returns 0, or -1
 * with a one-line reason in err. Requires workload, ok, score, score_unit.
 */
int result_line_parse(const char *line, struct result_line *out,
		      char *err, size_t errlen);

/*
 * Find the last line that starts with "result " in a program's output and
 * parse it. Without one, lwvmm --domains' lines "NAME: result ..." are
 * taken together: the first domain's figures, the score summed over the
 * domains, ok when all are ok with one checksum, "domains" their count.
 * Returns 0, or -1 with the reason in err.
 */
int result_line_find(const char *output, struct result_line *out,
		     char *err, size_t errlen);

/* A numeric metric by key, or NULL. */
const double *result_line_get(const struct result_line *r, const char *key);

#endif
