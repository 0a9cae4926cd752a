/*
 * libFuzzer target: `vmbench report`'s reading of a run directory
 * (reports/report_data.c) and everything it then computes and writes from
 * those records (report_md.c, report_cell.c, report_html.c): results.jsonl,
 * environment.json and suite.json come from the input, separated by NUL
 * bytes, into a temporary run directory. The report goes to memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_data.h"
#include "report_html.h"
#include "report_md.h"
#include "fuzz_tmp.h"

static char dir[512];
static const char *const files[] = { "results.jsonl", "environment.json", "suite.json" };

static void remove_dir(void)
{
	char path[600];

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_data d;
	char err[512], path[600];

	if (!dir[0]) {
		fuzz_tmp_template(dir, sizeof(dir), "report");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	/* Each part up to the next NUL; a missing part is an empty file. */
	for (int i = 0; i < 3; i++) {
		const uint8_t *nul = memchr(data, '\0', size);
		size_t len = nul ? (size_t)(nul - data) : size;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		FILE *f = fopen(path, "w");
		if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
			abort();
		data += nul ? len + 1 : len;
		size -= nul ? len + 1 : len;
	}
	/* The directory has a results.jsonl: it loads, or it holds no run and says so. */
	if (report_data_load(dir, &d, err, sizeof(err)) < 0) {
		if (!strstr(err, "results.jsonl"))
			abort();
		return 0;
	}

	char *md_text = NULL, *html_text = NULL;
	size_t md_len = 0, html_len = 0;
	FILE *md = open_memstream(&md_text, &md_len);
	json_t *refs = json_object();
	report_md_write(md, &d, refs, NULL, "no chart in the fuzzer");
	fclose(md);
	FILE *in = fmemopen(md_text, md_len, "r"), *html = open_memstream(&html_text, &html_len);
	if (in) {
		report_html_write(in, html, "fuzz");
		fclose(in);
	}
	fclose(html);
	free(md_text);
	free(html_text);
	json_decref(refs);
	report_data_free(&d);
	return 0;
}
