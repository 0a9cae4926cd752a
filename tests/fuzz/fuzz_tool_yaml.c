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
#include "tool_check_line.h"


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
