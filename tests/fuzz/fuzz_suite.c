/*
 * libFuzzer target: a suite file (bench/vmbench/suite.c) as a user writes
 * it, then --workloads on it. Input: the file's bytes, then optionally a
 * NUL and the --workloads list. suite_load reads a path, so the bytes go to
 * a temporary file first. An accepted suite has cells with a workload, a
 * label and NULL-terminated params and envs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"
#include "fuzz_tmp.h"

static char path[512];

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct suite s;
	char err[512];

	if (!path[0]) {
		fuzz_tmp_template(path, sizeof(path), "suite");
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_file);
	}
	const uint8_t *nul = memchr(data, '\0', size);
	size_t file_len = nul ? (size_t)(nul - data) : size;
	FILE *f = fopen(path, "w");
	if (!f || fwrite(data, 1, file_len, f) != file_len || fclose(f) != 0)
		abort();
	if (suite_load(path, &s, err, sizeof(err)) < 0)
		return 0;
	for (int i = 0; i < s.ncells; i++) {
		const struct cell *c = &s.cells[i];
		if (!c->workload || !c->label || !c->params || !c->envs || c->cpus < 1 || !c->mem_bytes)
			abort();
		for (int p = 0; p < c->nparams; p++)
			if (!c->params[p])
				abort();
		if (c->params[c->nparams])
			abort();
	}
	if (nul) {
		size_t list_len = size - file_len - 1;
		char *list = malloc(list_len + 1);
		if (list) {
			memcpy(list, nul + 1, list_len);
			list[list_len] = '\0';
			int before = s.ncells;
			if (suite_keep_workloads(&s, list, err, sizeof(err)) == 0 && s.ncells > before)
				abort();
			free(list);
		}
	}
	suite_free(&s);
	return 0;
}
