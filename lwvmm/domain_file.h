/*
 * --domain-file FILE: a JSON list of domains, each with its own name, vCPUs,
 * RAM, workload and arguments, and optionally a disk and a network device:
 *
 *   [ { "name": "web", "cpus": 2, "mem": "256M", "workload": "cpu",
 *       "args": ["--size", "256"], "disk": "img.raw,ro", "net": "tap" },
 *     { "name": "db", "workload": "mem" } ]
 *
 * (or { "domains": [ ... ] }). cpus defaults to 1, mem to 256M (a size
 * string as --mem takes, or a number of bytes), args to none; name and
 * workload are required. Pure parsing, unit-tested and fuzzed: no file or
 * KVM is touched. Every mistake (an unknown key, an impossible size, more
 * vCPUs than allowed, a duplicate name, an empty list) is one message naming
 * the domain and the key.
 */
#ifndef LWVMM_DOMAIN_FILE_H
#define LWVMM_DOMAIN_FILE_H

#include <stddef.h>
#include <stdint.h>

#define DOMAIN_NAME_MAX 32   /* with the NUL: LW_DOMAIN_NAME_MAX */

struct domain_spec {
	char name[DOMAIN_NAME_MAX];
	int ncpus;
	uint64_t mem_size;
	char *workload;
	int argc;
	char **argv;          /* argc strings and a NULL */
	char *disk;           /* a --disk spec, or NULL */
	char *net;            /* a --net spec, or NULL */
};

/* What the monitor allows; the parser checks every domain against it. */
struct domain_limits {
	int max_domains;
	int max_cpus;
	uint64_t min_mem, max_mem, mem_align;
	const char *const *workloads;   /* the known workload names, NULL-terminated */
};

/*
 * Parses `len` bytes of JSON. Returns the number of domains (>= 1) with
 * *out allocated (domain_specs_free), or -1 with `why` set and *out NULL.
 */
int domain_file_parse(const char *text, size_t len, const struct domain_limits *lim,
		      struct domain_spec **out, char *why, size_t why_len);
void domain_specs_free(struct domain_spec *specs, int n);

#endif
