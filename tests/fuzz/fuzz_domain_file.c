/*
 * libFuzzer target: the domain file's parser (lwvmm/domain_file.c). Any input
 * is parsed or refused with a message, never a crash or a leak; what it
 * accepts holds only what the limits allow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_file.h"

static const char *const workloads[] = { "cpu", "mem", "selftest", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct domain_limits lim = {
		.max_domains = 8, .max_cpus = 64, .min_mem = 16ULL << 20, .max_mem = 185ULL << 30,
		.mem_align = 2ULL << 20, .workloads = workloads,
	};
	struct domain_spec *d;
	char why[300];
	int n = domain_file_parse((const char *)data, size, &lim, &d, why, sizeof(why));

	if (n < 0) {
		if (d || !why[0] || !memchr(why, 0, sizeof(why)))
			abort();
		return 0;
	}
	if (n == 0 || n > lim.max_domains)
		abort();
	for (int i = 0; i < n; i++) {
		if (d[i].ncpus < 1 || d[i].ncpus > lim.max_cpus || d[i].mem_size % lim.mem_align ||
		    d[i].mem_size < lim.min_mem || d[i].mem_size > lim.max_mem || !d[i].name[0] ||
		    !d[i].workload || d[i].argv[d[i].argc])
			abort();
		for (int k = 0; k < i; k++) {
			if (strcmp(d[k].name, d[i].name) == 0)
				abort();
		}
	}
	domain_specs_free(d, n);
	return 0;
}
