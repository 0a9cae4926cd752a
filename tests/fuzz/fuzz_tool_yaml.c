/*
 * libFuzzer target: vmbench-tool's readers of stress-ng's YAML
 * (bench/vmbench/tools/tool_parse_yaml.c), for the stressors vmbench uses. An
 * accepted result, printed as tool_main.c prints it, must be a result line
 * vmbench accepts (bench/vmbench/result_line.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_line.h"
#include "tool.h"

/* The line tool_main.c prints for an ok result; vmbench must read it. */
static void check_line(const char *name, const struct tool_result *r)
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tool_result r;
	char err[256];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	static const char *const stressors[] = { "cpu", "vm", "switch" };
	for (int i = 0; i < 3; i++)
		if (stressng_parse(text, stressors[i], &r, err, sizeof(err)) == 0)
			check_line("stress-ng", &r);
	free(text);
	return 0;
}
