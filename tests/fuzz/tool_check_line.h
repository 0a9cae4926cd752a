/*
 * Shared by the vmbench-tool fuzz targets: a parser's result becomes the
 * line tool_main.c prints for an ok run, and vmbench must be able to read it
 * (result_line.c); abort() otherwise, so libFuzzer keeps the input.
 */
#ifndef FUZZ_TOOL_CHECK_LINE_H
#define FUZZ_TOOL_CHECK_LINE_H

#include <stdio.h>
#include <stdlib.h>

#include "result_line.h"
#include "tool.h"

/* The line tool_main.c prints for an ok result; vmbench must read it. */
static inline void check_line(const char *name, const struct tool_result *r)
{
	static struct result_line parsed;
	char line[RESULT_LINE_MAX], err[256];
	int used = snprintf(line, sizeof(line), "result workload=%s ok=1 score=%.6g score_unit=%s",
			    name, r->score, r->unit);

	for (int i = 0; i < r->n; i++)
		used += snprintf(line + used, sizeof(line) - (size_t)used, " %s=%.6g", r->m[i].key,
				 r->m[i].value);
	if (result_line_parse(line, &parsed, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench would reject: %s\n%s\n", err, line);
		abort();
	}
}

#endif
