/*
 * libFuzzer target: ctrun's command line (baselines/containers/ctrun_opts.c):
 * opts_parse on an argv a user typed (the input's NUL-separated words after
 * "ctrun run"), then opts_resolve_cpus. Accepted values must be what the
 * words say: --mem as many bytes as the digits times the suffix (no
 * overflow), the CPU list canonical. opts_resolve_cpus pins the process to
 * the list; the fuzzer's own affinity is put back after each input.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrun_opts.h"

#define MAX_WORDS 32

static cpu_set_t own;
static int have_own;

/* --mem's words as ctrun_opts.c reads them, computed without overflow: 0 if they are not a size. */
static int mem_fits(const char *text, uint64_t got)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 10);
	int shift = 0;

	switch (*end) {
	case 'T': case 't': shift = 40; break;
	case 'G': case 'g': shift = 30; break;
	case 'M': case 'm': shift = 20; break;
	case 'K': case 'k': shift = 10; break;
	default: break;
	}
	return v <= (~0ULL >> shift) && got == (uint64_t)v << shift;
}

/*
 * The value of the last --mem getopt_long took from argv (abbreviations
 * such as --me=1G included), or NULL: the options ctrun_opts.c declares,
 * those without an argument marked by a trailing '!'.
 */
static const char *last_mem(int argc, char **argv)
{
	static const char *const names[] = { "cpus", "cpuset", "mem", "pids", "net!", "iperf3-server",
		"timeout", "runtime", "cache", "stats-json", "out", "file", "after", NULL };
	const char *mem = NULL;

	for (int i = 1; i < argc && !strncmp(argv[i], "--", 2) && argv[i][2]; i++) {
		const char *w = argv[i] + 2, *eq = strchr(w, '=');
		size_t len = eq ? (size_t)(eq - w) : strlen(w);
		int match = -1, matches = 0;
		for (int n = 0; names[n]; n++) {
			size_t nlen = strcspn(names[n], "!");
			if (len <= nlen && !strncmp(names[n], w, len)) {
				if (len == nlen) {   /* an exact name wins over abbreviations */
					match = n;
					matches = 1;
					break;
				}
				match = n;
				matches++;
			}
		}
		if (matches != 1)
			return NULL;   /* opts_parse refused it */
		int takes_arg = !strchr(names[match], '!');
		const char *value = eq ? eq + 1 : takes_arg && i + 1 < argc ? argv[++i] : NULL;
		if (!strcmp(names[match], "mem"))
			mem = value;
	}
	return mem;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words = malloc(size + 1), *argv[MAX_WORDS + 3];
	int argc = 0;
	struct ct_opts o;
	char err[512];

	if (!words)
		return 0;
	if (!have_own) {
		sched_getaffinity(0, sizeof(own), &own);
		have_own = 1;
	}
	memcpy(words, data, size);
	words[size] = '\0';
	argv[argc++] = "run";
	for (char *w = words; w <= words + size && argc < MAX_WORDS + 1; w += strlen(w) + 1)
		argv[argc++] = w;
	argv[argc] = NULL;

	if (opts_parse(argc, argv, &o) == 0) {
		const char *mem = last_mem(argc, argv);
		if (mem && !mem_fits(mem, o.mem_bytes))
			abort();
		if (opts_resolve_cpus(&o, err, sizeof(err)) == 0 &&
		    (o.cpus < 1 || strspn(o.cpuset, "0123456789,-") != strlen(o.cpuset)))
			abort();
		sched_setaffinity(0, sizeof(own), &own);
	}
	free(words);
	return 0;
}
