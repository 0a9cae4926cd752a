/*
 * libFuzzer target: vmbench-tool's readers of fio's and iperf3's JSON
 * (bench/vmbench/tools/tool_parse_json.c), both on the same text. An
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
	if (fio_parse(text, &r, err, sizeof(err)) == 0)
		check_line("fio", &r);
	if (iperf3_parse(text, &r, err, sizeof(err)) == 0)
		check_line("iperf3", &r);
	free(text);
	return 0;
}
