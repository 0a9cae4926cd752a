/* Parsing ctrun's options and turning --cpus/--cpuset into one CPU list. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrun.h"
#include "ctrun_opts.h"
#include "options.h"   /* lwvmm/: the one size parser */

#define MEM_MAX ((uint64_t)INT64_MAX) /* config.json and --stats-json hold it signed */

/* --mem: lwvmm's size parser, then ctrun's bounds. 0; -1 malformed or below 4M; -2 too large. */
static int parse_mem(const char *text, uint64_t *out)
{
	uint64_t v;
	int r = parse_size(text, &v);

	if (r < 0)
		return r;
	if (v > MEM_MAX)
		return -2;
	if (v < (4 << 20))   /* runc needs some room for itself too */
		return -1;
	*out = v;
	return 0;
}

static int parse_int(const char *text, const char *what, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < lo || v > hi) {
		fprintf(stderr, "ctrun: %s must be a whole number from %d to %d, not '%s'\n",
			what, lo, hi, text);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int opts_parse(int argc, char **argv, struct ct_opts *o)
{
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "cpuset", required_argument, NULL, 'C' },
		{ "mem", required_argument, NULL, 'm' },
		{ "pids", required_argument, NULL, 'p' },
		{ "net", no_argument, NULL, 'n' },
		{ "iperf3-server", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "runtime", required_argument, NULL, 'r' },
		{ "cache", required_argument, NULL, 'k' },
		{ "stats-json", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "file", required_argument, NULL, 'f' },
		{ "after", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_bytes = 256ULL << 20;
	o->pids = 1024;
	o->after_ms = 1000;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'c': bad = parse_int(optarg, "--cpus", 1, 1024, &o->cpus); break;
		case 'C':
			if (strlen(optarg) >= sizeof(o->cpuset) ||
			    strspn(optarg, "0123456789,-") != strlen(optarg) || !*optarg) {
				fprintf(stderr, "ctrun: --cpuset must be a CPU list like 0-1,4, not '%s'\n",
					optarg);
				return -1;
			}
			snprintf(o->cpuset, sizeof(o->cpuset), "%s", optarg);
			break;
		case 'm':
			bad = parse_mem(optarg, &o->mem_bytes);
			if (bad == -2)
				fprintf(stderr, "ctrun: --mem '%s' is too large (at most %lluG)\n",
					optarg, (unsigned long long)(MEM_MAX >> 30));
			else if (bad)
				fprintf(stderr, "ctrun: --mem must be a size of at least 4M like 512M or "
					"1G, not '%s'\n", optarg);
			break;
		case 'p': bad = parse_int(optarg, "--pids", 16, 1 << 22, &o->pids); break;
		case 'n': o->net = 1; break;
		case 'i':
			bad = parse_int(optarg, "--iperf3-server", 1024, 65535, &o->iperf3_port);
			o->net = 1;
			break;
		case 't': bad = parse_int(optarg, "--timeout", 1, 86400, &o->timeout_s); break;
		case 'a': bad = parse_int(optarg, "--after", 0, 3600000, &o->after_ms); break;
		case 'r': o->runtime = optarg; break;
		case 'k': o->cache_dir = optarg; break;
		case 's': o->stats_json = optarg; break;
		case 'o': o->out = optarg; break;
		case 'f':
			if (optarg[0] != '/' || access(optarg, R_OK) != 0) {
				fprintf(stderr, "ctrun: --file '%s': give an absolute path to a readable file\n",
					optarg);
				return -1;
			}
			o->file = optarg;
			break;
		default:
			fprintf(stderr, "ctrun: bad option '%s'\n", argv[optind - 1]);
			return -1;
		}
		if (bad)
			return -1;
	}
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc) {
		fprintf(stderr, "ctrun: no program to run (ctrun run [OPTIONS] -- PROGRAM [ARGS])\n");
		return -1;
	}
	o->argv = argv + optind;
	return 0;
}

/* "0-2,5" -> a cpu_set_t; -1 when malformed. */
static int cpulist_parse(const char *text, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (const char *p = text; *p;) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0 || a >= CPU_SETSIZE)
			return -1;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a || b >= CPU_SETSIZE)
				return -1;
		}
		for (long c = a; c <= b; c++)
			CPU_SET(c, set);
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return 0;
}

/* The host's online CPUs (/sys/devices/system/cpu/online, "0-1"); 0, or -1 when unreadable. */
static int online_cpus(cpu_set_t *set, char *text, size_t textlen)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int ok = f && fgets(text, (int)textlen, f);

	if (f)
		fclose(f);
	if (!ok)
		return -1;
	text[strcspn(text, "\n")] = '\0';
	return cpulist_parse(text, set);
}

int opts_resolve_cpus(struct ct_opts *o, char *err, size_t errlen)
{
	cpu_set_t set, own, online, outside;
	char online_text[256];
	int n;

	if (sched_getaffinity(0, sizeof(own), &own) < 0)
		CPU_ZERO(&own);
	if (o->cpuset[0] && cpulist_parse(o->cpuset, &set) < 0) {
		snprintf(err, errlen, "--cpuset '%s' is not a CPU list", o->cpuset);
		return -1;
	}
	/* the runtime would only fail later, with its raw log */
	if (o->cpuset[0] && online_cpus(&online, online_text, sizeof(online_text)) == 0) {
		CPU_XOR(&outside, &set, &online);
		CPU_AND(&outside, &outside, &set);
		if (CPU_COUNT(&outside)) {
			snprintf(err, errlen, "--cpuset %s names CPUs this host does not have online: "
				 "its CPUs are %s", o->cpuset, online_text);
			return -1;
		}
	}
	if (!o->cpuset[0]) {
		/* the first --cpus CPUs we may run on (the harness pins us to the cell's) */
		int want = o->cpus ? o->cpus : CPU_COUNT(&own), taken = 0;
		CPU_ZERO(&set);
		for (int c = 0; c < CPU_SETSIZE && taken < want; c++)
			if (CPU_ISSET(c, &own)) {
				CPU_SET(c, &set);
				taken++;
			}
		if (taken < want) {
			snprintf(err, errlen, "--cpus %d but only %d CPUs are available", want, taken);
			return -1;
		}
	}
	/* pin ourselves (and so the host-side iperf3 server) there too */
	if (!CPU_EQUAL(&set, &own))
		sched_setaffinity(0, sizeof(set), &set);
	n = CPU_COUNT(&set);
	if (o->cpus && o->cpus != n) {
		snprintf(err, errlen, "--cpus %d does not match --cpuset %s (%d CPUs)", o->cpus,
			 o->cpuset, n);
		return -1;
	}
	o->cpus = n;
	/* back to a canonical list */
	size_t len = 0;
	o->cpuset[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		int e = c;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
			e++;
		const char *sep = len ? "," : "";
		if (e > c)
			len += (size_t)snprintf(o->cpuset + len, sizeof(o->cpuset) - len,
						"%s%d-%d", sep, c, e);
		else
			len += (size_t)snprintf(o->cpuset + len, sizeof(o->cpuset) - len,
						"%s%d", sep, c);
		c = e;
	}
	return 0;
}
