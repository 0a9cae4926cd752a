/*
 * lwvmm: a lightweight KVM monitor.
 *
 *   lwvmm run [--domains N] [--cpus N] [--mem SIZE] [--mem-backing anon|memfd]
 *             [--stats] [--stats-json FILE] [--timeout SECONDS] [--no-seccomp]
 *             [--numa SPEC [--numa-sim SPEC] [--numa-policy SPEC]]
 *             --workload NAME [-- ARGS]
 *   lwvmm run --domain-file FILE [run-wide options]
 *   lwvmm info
 *
 * `run` boots the built-in guest, runs the workload inside it and exits with
 * the workload's exit status (lwvmm's own statuses are 64 and above, see
 * vm.h). `info` prints what this host offers, one `key: value` per line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "domain_file.h"
#include "domains.h"
#include "linux_boot.h"
#include "linux_vm.h"
#include "numa_place.h"
#include "numa_run.h"
#include "options.h"
#include "pagetable.h"
#include "vm.h"

#ifndef LWVMM_VERSION
#define LWVMM_VERSION "unknown"
#endif

extern const char *const wl_workload_names[];

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lwvmm run [--domains N] [--cpus N] [--mem SIZE] [--mem-backing anon|memfd]\n"
		"                 [--stats] [--stats-json FILE]\n"
		"                 [--timeout SECONDS] [--disk FILE[,ro][,direct][,share]]...\n"
		"                 [--net tap[,host=IP][,guest=IP][,prefix=N][,mtu=N][,offload=on|off]]\n"
		"                 [--no-seccomp]\n"
		"                 [--numa SPEC [--numa-sim SPEC] [--numa-policy SPEC]]\n"
		"                 --workload NAME [-- ARGS]\n"
		"       lwvmm run --domain-file FILE [--mem-backing anon|memfd] [--stats] [--stats-json FILE]\n"
		"                 [--timeout SECONDS] [--no-seccomp]\n"
		"       lwvmm run --kernel BZIMAGE [--initrd FILE] [--append ARGS] [--cpus N] [--mem SIZE]\n"
		"                 [--mem-backing anon|memfd] [--stats] [--stats-json FILE] [--timeout SECONDS]\n"
		"                 [--disk FILE[,ro][,direct]]... (virtio-blk over virtio-pci: /dev/vda, ...)\n"
		"       lwvmm info | --help | --version\n"
		"  --domains N        N identical VMs (domains) in this one process, 1 to %d (default 1);\n"
		"                     console lines start with the domain's name (d0: ...) when N > 1;\n"
		"                     the exit status is the first failing domain's\n"
		"  --domain-file FILE domains that differ: a JSON list of {\"name\", \"cpus\", \"mem\",\n"
		"                     \"workload\", \"args\": [...], \"disk\", \"net\"} (lwvmm/README.md)\n"
		"  --cpus N           vCPUs, 1 to %d (default 1), in each domain\n"
		"  --mem SIZE         guest RAM, e.g. 256M or 2G, a multiple of 2M (default 256M)\n"
		"  --mem-backing anon|memfd  guest RAM from a memfd (default) or anonymous memory\n"
		"                     that KSM may merge (madvise MERGEABLE); with --kernel\n"
		"                     anonymous (default, in huge pages) or a memfd\n"
		"  --stats            print exits by reason, monitor and guest time at the end\n"
		"  --stats-json FILE  write the same statistics as JSON\n"
		"  --timeout SECONDS  end the run with status 124 after this long\n"
		"  --disk FILE[,ro][,direct]  a disk for the guest (rings or trap-and-emulate);\n"
		"                     ro: read-only, direct: O_DIRECT on the host, share: page-aligned\n"
		"                     reads map the file's pages (shared by domains; writes invalidate)\n"
		"  --net tap[,...]    a network device on a tap device that lives as long as lwvmm;\n"
		"                     host end 10.201.0.1/24, guest 10.201.0.2 unless given\n"
		"  --no-seccomp       no system call filters (debugging; capabilities are still dropped)\n"
		"  --numa SPEC        pin vCPUs to NUMA nodes and place guest RAM on them:\n"
		"                     vcpus=0-1@0,2-3@1 (NODE:CPUS for some of a node's CPUs) or spread,\n"
		"                     then ,mem=share (default: RAM split per node by its vCPUs),\n"
		"                     ,mem=interleave or ,mem=first-touch\n"
		"  --numa-sim SPEC    a simulated topology over this host's CPUs for --numa:\n"
		"                     nodes=N[,remote=F][,cpus=0@0,1@1] (vCPUs pinned, memory not bound)\n"
		"  --numa-policy MODE[,period=MS][,sample=PAGES|all][,budget=PCT|off][,hot=N]\n"
		"                     [,dominance=PCT][,max-moves=N]\n"
		"                     with --numa: track per-vCPU page accesses (track) and migrate\n"
		"                     pages to the node using them (migrate); period 100 ms, sample\n"
		"                     512 pages, budget 2%% of a vCPU by default (replicate: not built yet)\n"
		"  --kernel BZIMAGE   boot this Linux kernel instead of the built-in guest (VMX or SVM\n"
		"                     hosts; --cpus N vCPUs, ACPI tables for N > 1; serial console; the\n"
		"                     guest's program ends the run by writing its status to port\n"
		"                     0x501); --initrd FILE, --append ARGS (after console=ttyS0\n"
		"                     reboot=k panic=-1 ..., and acpi=off with one vCPU)\n"
		"  --workload NAME    the built-in workload to run:",
		LW_MAX_DOMAINS, LW_MAX_VCPUS);
	for (int i = 0; wl_workload_names[i]; i++)
		fprintf(out, " %s", wl_workload_names[i]);
	fprintf(out, "\nexit status: the workload's, or 64 usage, 69 no KVM, 70 guest fault,\n"
		     "71 out of resources, 124 timeout, 130 interrupted; a system call the monitor's\n"
		     "seccomp filter forbids ends it with 70 and a message naming the call\n");
}

static int known_workload(const char *name)
{
	for (int i = 0; wl_workload_names[i]; i++) {
		if (strcmp(name, wl_workload_names[i]) == 0)
			return 1;
	}
	return 0;
}

int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lwvmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (lwvmm --help for usage)\n");
	return LWVMM_EXIT_USAGE;
}

/* `mem`: all the domains' RAM together, `ndomains` of them. */
static int check_host_memory(uint64_t mem, int ndomains)
{
	uint64_t avail = host_mem_available();

	if (avail && mem > avail) {
		if (ndomains > 1)
			fprintf(stderr, "lwvmm: %d domains' %llu MiB of RAM together are more than the host can give "
				"(MemAvailable %llu MiB)\n", ndomains, (unsigned long long)(mem >> 20),
				(unsigned long long)(avail >> 20));
		else
			fprintf(stderr, "lwvmm: --mem %llu MiB is more than the host can give "
				"(MemAvailable %llu MiB)\n", (unsigned long long)(mem >> 20),
				(unsigned long long)(avail >> 20));
		return -1;
	}
	return 0;
}

/*
 * More vCPUs than the CPUs lwvmm may run on is allowed (KVM time-shares
 * them), but a run that looks like a 64-CPU run and is not one should say so.
 * The count is the affinity mask's, so a run pinned by vmbench or taskset is
 * judged by the CPUs it was given.
 */
static void warn_cpu_oversubscription(int vcpus)
{
	cpu_set_t set;
	int usable;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	usable = CPU_COUNT(&set);
	if (vcpus > usable)
		fprintf(stderr, "lwvmm: warning: %d vCPUs on %d usable host CPU%s: they take turns, so "
			"the run does not show %d CPUs' worth of work\n", vcpus, usable, usable == 1 ? "" : "s",
			vcpus);
}

/*
 * --stats-json is opened (and emptied) before the run, so that a path that
 * cannot be written is refused at once rather than found after the run.
 */
static int check_stats_json(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0) {
		int err = errno;
		if (errno_is_resource(err)) {
			fprintf(stderr, "lwvmm: --stats-json %s: %s (%s)\n", path, strerror(err), resource_cause(err));
			return LWVMM_EXIT_RESOURCES;
		}
		fprintf(stderr, "lwvmm: --stats-json %s: %s\n", path, strerror(err));
		return LWVMM_EXIT_USAGE;
	}
	close(fd);
	return 0;
}

/* 1 when a --disk spec has option `opt` (FILE,ro[,direct][,share]). */
static int disk_option(const char *spec, const char *opt)
{
	const char *o = strchr(spec, ',');
	size_t len = strlen(opt);

	while (o) {
		o++;
		if (strncmp(o, opt, len) == 0 && (o[len] == ',' || o[len] == 0))
			return 1;
		o = strchr(o, ',');
	}
	return 0;
}

static int disk_read_only(const char *spec)
{
	return disk_option(spec, "ro");
}

/* The file part of a --disk spec, compared between domains. */
static int same_disk_file(const char *a, const char *b)
{
	size_t la = strcspn(a, ","), lb = strcspn(b, ",");

	return la == lb && strncmp(a, b, la) == 0;
}

/*
 * Several domains must not write one disk file, nor bring up taps with one
 * address: with --domains N every domain would get the same --disk and --net.
 */
static int check_identical_devices(const struct vm_config *c, int ndomains)
{
	for (int i = 0; ndomains > 1 && i < c->ndevices; i++) {
		const struct device_spec *d = &c->devices[i];
		if (strcmp(d->kind, "net") == 0)
			return bad_usage("--net %s with --domains %d: their taps would share one address; give each "
					 "domain its own net (distinct host=/guest=) in a --domain-file", d->spec, ndomains);
		if (!disk_read_only(d->spec))
			return bad_usage("--disk %s with --domains %d: every domain would write the one file; add ,ro "
					 "or give each domain its own disk in a --domain-file", d->spec, ndomains);
	}
	return 0;
}

/* The same in a domain file: no file written by two domains, no two identical nets. */
static int check_file_devices(const struct domain_spec *specs, int n, const char *path)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < i; k++) {
			if (specs[i].disk && specs[k].disk && same_disk_file(specs[i].disk, specs[k].disk) &&
			    !(disk_read_only(specs[i].disk) && disk_read_only(specs[k].disk)))
				return bad_usage("--domain-file %s: domains '%s' and '%s' both use disk '%s', and not both ,ro",
						 path, specs[k].name, specs[i].name, specs[i].disk);
			if (specs[i].net && specs[k].net && strcmp(specs[i].net, specs[k].net) == 0)
				return bad_usage("--domain-file %s: domains '%s' and '%s' both give net '%s': their taps "
						 "would share one address (give distinct host=/guest=)", path, specs[k].name,
						 specs[i].name, specs[i].net);
		}
	}
	return 0;
}

/* --domains N: N copies of the command line's domain, named d0, d1, ... */
static int run_identical(const struct vm_config *c, int ndomains)
{
	static struct vm_config configs[LW_MAX_DOMAINS];

	for (int i = 0; i < ndomains; i++) {
		configs[i] = *c;
		snprintf(configs[i].name, sizeof(configs[i].name), "d%d", i);
		configs[i].console_prefix = ndomains > 1 ? configs[i].name : NULL;
	}
	return domains_run(configs, ndomains);
}

/* A domain file is at most this long: a few lines per domain. */
#define DOMAIN_FILE_MAX (1 << 20)

static int read_domain_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = malloc(DOMAIN_FILE_MAX + 1);

	if (!f || !buf) {
		int err = errno;
		free(buf);
		if (f)
			fclose(f);
		fprintf(stderr, "lwvmm: --domain-file %s: %s\n", path, strerror(err));
		return errno_is_resource(err) ? LWVMM_EXIT_RESOURCES : LWVMM_EXIT_USAGE;
	}
	*len = fread(buf, 1, DOMAIN_FILE_MAX + 1, f);
	int failed = ferror(f);
	fclose(f);
	if (failed || *len > DOMAIN_FILE_MAX) {
		free(buf);
		return bad_usage("--domain-file %s: %s", path, failed ? "cannot be read" : "longer than 1 MiB");
	}
	*text = buf;
	return 0;
}

/*
 * --domain-file: each domain's own vCPUs, RAM, workload, arguments and
 * devices on top of the run-wide options in `c`.
 */
static int run_domain_file(const struct vm_config *c, const char *path)
{
	static struct vm_config configs[LW_MAX_DOMAINS];
	const struct domain_limits lim = {
		.max_domains = LW_MAX_DOMAINS, .max_cpus = LW_MAX_VCPUS, .min_mem = 16ULL << 20,
		.max_mem = pagetable_max_mem(), .mem_align = LW_LARGE_PAGE_SIZE, .workloads = wl_workload_names,
	};
	struct domain_spec *specs;
	char why[300];
	char *text = NULL;
	size_t len = 0;
	uint64_t total_mem = 0;
	int total_vcpus = 0;
	int n, status;

	if ((status = read_domain_file(path, &text, &len)) != 0)
		return status;
	n = domain_file_parse(text, len, &lim, &specs, why, sizeof(why));
	free(text);
	if (n < 0) {
		fprintf(stderr, "lwvmm: --domain-file %s: %s\n", path, why);
		return LWVMM_EXIT_USAGE;
	}
	if ((status = check_file_devices(specs, n, path)) != 0) {
		domain_specs_free(specs, n);
		return status;
	}
	for (int i = 0; i < n; i++) {
		struct vm_config *d = &configs[i];
		*d = *c;
		snprintf(d->name, sizeof(d->name), "%s", specs[i].name);
		d->console_prefix = n > 1 ? d->name : NULL;
		d->ncpus = specs[i].ncpus;
		d->mem_size = specs[i].mem_size;
		d->workload = specs[i].workload;
		d->argc = specs[i].argc;
		d->argv = specs[i].argv;
		if (specs[i].disk)
			d->devices[d->ndevices++] = (struct device_spec){ "disk", specs[i].disk };
		if (specs[i].net)
			d->devices[d->ndevices++] = (struct device_spec){ "net", specs[i].net };
		total_mem += d->mem_size;
		total_vcpus += d->ncpus;
	}
	warn_cpu_oversubscription(total_vcpus);
	status = check_host_memory(total_mem, n) < 0 ? LWVMM_EXIT_RESOURCES : domains_run(configs, n);
	domain_specs_free(specs, n);
	return status;
}

/*
 * --kernel: a Linux guest (linux_vm.c). What it cannot have yet is refused
 * here, each with its reason, before anything is opened.
 */
static int run_linux(const struct vm_config *c, struct linux_config *lc, const char *mem_arg,
		     int several)
{
	if (!lc->kernel)
		return bad_usage("--initrd and --append go with --kernel IMAGE");
	if (access(lc->kernel, R_OK) < 0)
		return bad_usage("--kernel %s: %s", lc->kernel, strerror(errno));
	if (lc->initrd && access(lc->initrd, R_OK) < 0)
		return bad_usage("--initrd %s: %s", lc->initrd, strerror(errno));
	if (c->workload || several)
		return bad_usage("--kernel runs a Linux guest: no --workload, workload arguments, "
				 "--domains or --domain-file with it");
	if (c->numa_spec || c->numa_sim_spec || c->numa_policy_spec)
		return bad_usage("--numa is not built yet for Linux guests");
	lc->ndisks = 0;
	for (int i = 0; i < c->ndevices; i++) {
		if (strcmp(c->devices[i].kind, "disk") != 0)
			return bad_usage("--net is not built yet for Linux guests (virtio-net is to come; "
					 "--disk is virtio-blk)");
		if (lc->ndisks == LINUX_MAX_DISKS)
			return bad_usage("--kernel: at most %d --disk", LINUX_MAX_DISKS);
		lc->disks[lc->ndisks++] = c->devices[i].spec;
	}
	if (c->mem_size % LW_LARGE_PAGE_SIZE || c->mem_size < (64ULL << 20) ||
	    c->mem_size > LINUX_MAX_RAM)
		return bad_usage("--mem '%s' with --kernel: give a multiple of 2M between 64M and %lluG",
				 mem_arg, (unsigned long long)(LINUX_MAX_RAM >> 30));
	if (check_host_memory(c->mem_size, 1) < 0)
		return LWVMM_EXIT_RESOURCES;
	warn_cpu_oversubscription(c->ncpus);
	long n;
	if (c->stats_json_path && (n = check_stats_json(c->stats_json_path)) != 0)
		return (int)n;
	lc->mem_size = c->mem_size;
	lc->ncpus = c->ncpus;
	lc->timeout_s = c->timeout_s;
	lc->print_stats = c->print_stats;
	lc->stats_json_path = c->stats_json_path;
	lc->no_seccomp = c->no_seccomp;
	return linux_run(lc);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "stats", no_argument, NULL, 's' },
		{ "stats-json", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "workload", required_argument, NULL, 'w' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'n' },
		{ "no-seccomp", no_argument, NULL, 'S' },
		{ "numa", required_argument, NULL, 'N' },
		{ "numa-sim", required_argument, NULL, 'M' },
		{ "numa-policy", required_argument, NULL, 'P' },
		{ "domains", required_argument, NULL, 'D' },
		{ "domain-file", required_argument, NULL, 'F' },
		{ "mem-backing", required_argument, NULL, 'B' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "initrd", required_argument, NULL, 'I' },
		{ "append", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_config c = { .ncpus = 1, .mem_size = 256ULL << 20 };
	/* A Linux guest's RAM is anonymous unless --mem-backing says otherwise: nothing in its
	 * path needs a memfd (no monitor-owned page tables to sample, no buffer cache to share),
	 * and anonymous RAM can have transparent huge pages, as QEMU's has: the guest boots
	 * faster (docs/host-notes.md). */
	struct linux_config lc = { .mem_backing = GUEST_RAM_ANON };
	const char *mem_arg = "256M";
	int ndomains = 1;
	const char *domain_file = NULL;
	const char *per_domain = NULL;   /* an option the domain file gives per domain */
	long n;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_long(optarg, 1, LW_MAX_VCPUS, &n) < 0)
				return bad_usage("--cpus '%s': give a number from 1 to 64", optarg);
			c.ncpus = (int)n;
			per_domain = "--cpus";
			break;
		case 'm':
			if (parse_size(optarg, &c.mem_size) < 0)
				return bad_usage("--mem '%s': give a size such as 256M or 2G", optarg);
			mem_arg = optarg;
			per_domain = "--mem";
			break;
		case 's':
			c.print_stats = 1;
			break;
		case 'j':
			c.stats_json_path = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &c.timeout_s) < 0)
				return bad_usage("--timeout '%s': give a positive number of seconds", optarg);
			break;
		case 'w':
			c.workload = optarg;
			per_domain = "--workload";
			break;
		case 'd':
		case 'n':
			if (c.ndevices >= LW_MAX_DEVICES - 1)
				return bad_usage("--%s %s: at most %d devices", opt == 'd' ? "disk" : "net",
						 optarg, LW_MAX_DEVICES - 1);
			c.devices[c.ndevices++] = (struct device_spec){ opt == 'd' ? "disk" : "net", optarg };
			per_domain = opt == 'd' ? "--disk" : "--net";
			break;
		case 'S':
			c.no_seccomp = 1;
			break;
		case 'N':
			c.numa_spec = optarg;
			break;
		case 'M':
			c.numa_sim_spec = optarg;
			break;
		case 'P':
			c.numa_policy_spec = optarg;
			break;
		case 'F':
			domain_file = optarg;
			break;
		case 'D':
			per_domain = "--domains";
			if (parse_long(optarg, 1, LW_MAX_DOMAINS, &n) < 0)
				return bad_usage("--domains '%s': give a number from 1 to %d", optarg, LW_MAX_DOMAINS);
			ndomains = (int)n;
			break;
		case 'B':
			if (strcmp(optarg, "anon") == 0)
				c.mem_backing = GUEST_RAM_ANON;
			else if (strcmp(optarg, "memfd") == 0)
				c.mem_backing = GUEST_RAM_MEMFD;
			else
				return bad_usage("--mem-backing '%s': give anon or memfd", optarg);
			lc.mem_backing = c.mem_backing;
			break;
		case 'K':
			lc.kernel = optarg;
			break;
		case 'I':
			lc.initrd = optarg;
			break;
		case 'A':
			lc.append = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return bad_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0)
		return bad_usage("unexpected argument '%s' (workload arguments go after --)", argv[optind]);
	if (lc.kernel || lc.initrd || lc.append)
		return run_linux(&c, &lc, mem_arg, ndomains > 1 || domain_file || optind < argc);
	if (domain_file) {
		if (per_domain || optind < argc)
			return bad_usage("--domain-file %s gives each domain's cpus, mem, workload, args, disk and net: "
					 "%s goes into the file", domain_file, per_domain ? per_domain : "a workload argument");
		if (c.numa_spec || c.numa_sim_spec || c.numa_policy_spec)
			return bad_usage("--numa with a domain file is not built yet");
		if (c.stats_json_path && (n = check_stats_json(c.stats_json_path)) != 0)
			return (int)n;
		return run_domain_file(&c, domain_file);
	}
	if (!c.workload)
		return bad_usage("--workload NAME is required");
	if (!known_workload(c.workload)) {
		fprintf(stderr, "lwvmm: unknown workload '%s'; known:", c.workload);
		for (int i = 0; wl_workload_names[i]; i++)
			fprintf(stderr, " %s", wl_workload_names[i]);
		fprintf(stderr, "\n");
		return LWVMM_EXIT_USAGE;
	}
	if (c.mem_size % LW_LARGE_PAGE_SIZE || c.mem_size < (16ULL << 20) ||
	    c.mem_size > pagetable_max_mem())
		return bad_usage("--mem '%s': give a multiple of 2M between 16M and %lluG", mem_arg,
				 (unsigned long long)(pagetable_max_mem() >> 30));
	if ((c.numa_spec || c.numa_sim_spec) && ndomains > 1)
		return bad_usage("--numa with more than one domain is not built yet: give --domains 1");
	if ((n = check_identical_devices(&c, ndomains)) != 0)
		return (int)n;
	/* The policy thread's MADV_DONTNEED would drop the private copies a guest wrote. */
	for (int i = 0; c.numa_policy_spec && i < c.ndevices; i++) {
		if (strcmp(c.devices[i].kind, "disk") == 0 && disk_option(c.devices[i].spec, "share"))
			return bad_usage("--numa-policy with --disk %s: the policy's MADV_DONTNEED would discard the "
					 "pages a guest wrote over a shared block; drop one", c.devices[i].spec);
	}
	if (check_host_memory(c.mem_size * (uint64_t)ndomains, ndomains) < 0)
		return LWVMM_EXIT_RESOURCES;
	warn_cpu_oversubscription(c.ncpus * ndomains);
	if ((c.numa_spec || c.numa_sim_spec) && (n = numa_place_configure(&c)) != 0)
		return (int)n;
	if ((n = numa_run_configure(&c)) != 0)
		return (int)n;
	if (c.stats_json_path && (n = check_stats_json(c.stats_json_path)) != 0)
		return (int)n;
	c.argc = argc - optind;
	c.argv = argv + optind;
	return run_identical(&c, ndomains);
}

static int cmd_info(void)
{
	struct vm vm = { .kvm_fd = -1 };
	char why[256];

	printf("version: %s\n", LWVMM_VERSION);
	printf("flavour: %s\n", flavour_name(detect_flavour()));
	if (kvm_open(&vm, why, sizeof(why)) < 0) {
		printf("kvm: unavailable (%s)\n", why);
		return LWVMM_EXIT_UNAVAILABLE;
	}
	printf("kvm: available\n");
	printf("kvm_api: %d\n", ioctl(vm.kvm_fd, KVM_GET_API_VERSION, 0));
	printf("max_vcpus: %d\n", ioctl(vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
	printf("ioeventfd: %s\n", ioctl(vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) > 0 ? "yes" : "no");
	printf("abi_version: %d\n", LW_ABI_VERSION);
	close(vm.kvm_fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LWVMM_EXIT_USAGE;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "info") == 0 && argc > 2) {   /* `lwvmm info --help` */
		if (strcmp(argv[2], "--help") && strcmp(argv[2], "-h"))
			return bad_usage("info takes no argument, not '%s'", argv[2]);
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "info") == 0)
		return cmd_info();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lwvmm %s\n", LWVMM_VERSION);
		return 0;
	}
	return bad_usage("unknown command '%s' (commands: run, info)", argv[1]);
}
