/*
 * libFuzzer target: vmbench's reading of a workload's output
 * (bench/vmbench/result_line.c): the last "result " line of any output, and
 * the input as one line. An accepted line has a workload, a unit, ok 0 or 1
 * and a finite score.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "result_line.h"

static void check(const struct result_line *r)
{
	if (!r->workload[0] || !r->score_unit[0] || (r->ok != 0 && r->ok != 1) || !isfinite(r->score) ||
	    r->nmetrics < 2 || r->nmetrics > RESULT_MAX_METRICS || !result_line_get(r, "score"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct result_line r;
	char err[256];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (result_line_find(text, &r, err, sizeof(err)) == 0)
		check(&r);
	if (result_line_parse(text, &r, err, sizeof(err)) == 0)
		check(&r);
	free(text);
	return 0;
}
