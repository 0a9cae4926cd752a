/*
 * lwvmm: a lightweight KVM monitor.
 *
 *   lwvmm run [--domains N] [--cpus N] [--mem SIZE] [--mem-backing anon|memfd]
 *             [--stats] [--stats-json FILE] [--timeout SECONDS] [--no-seccomp]
 *             [--numa SPEC [--numa-sim SPEC]] --workload NAME [-- ARGS]
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
#include <sys/ioctl.h>
#include <unistd.h>

#include "domains.h"
#include "numa_place.h"
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
		"                 [--timeout SECONDS] [--disk FILE[,ro][,direct]]...\n"
		"                 [--net tap[,host=IP][,guest=IP][,prefix=N]] [--no-seccomp]\n"
		"                 [--numa SPEC [--numa-sim SPEC]] --workload NAME [-- ARGS]\n"
		"       lwvmm info\n"
		"  --domains N        N identical VMs (domains) in this one process, 1 to %d (default 1);\n"
		"                     console lines start with the domain's name (d0: ...) when N > 1;\n"
		"                     the exit status is the first failing domain's\n"
		"  --cpus N           vCPUs, 1 to %d (default 1), in each domain\n"
		"  --mem SIZE         guest RAM, e.g. 256M or 2G, a multiple of 2M (default 256M)\n"
		"  --mem-backing anon|memfd  guest RAM from a memfd (default) or anonymous memory\n"
		"                     that KSM may merge (madvise MERGEABLE)\n"
		"  --stats            print exits by reason, monitor and guest time at the end\n"
		"  --stats-json FILE  write the same statistics as JSON\n"
		"  --timeout SECONDS  end the run with status 124 after this long\n"
		"  --disk FILE[,ro][,direct]  a disk for the guest (rings or trap-and-emulate);\n"
		"                     ro: read-only, direct: O_DIRECT on the host\n"
		"  --net tap[,...]    a network device on a tap device that lives as long as lwvmm;\n"
		"                     host end 10.201.0.1/24, guest 10.201.0.2 unless given\n"
		"  --no-seccomp       no system call filters (debugging; capabilities are still dropped)\n"
		"  --numa SPEC        pin vCPUs to NUMA nodes and place guest RAM on them:\n"
		"                     vcpus=0-1@0,2-3@1 (NODE:CPUS for some of a node's CPUs) or spread,\n"
		"                     then ,mem=share (default: RAM split per node by its vCPUs),\n"
		"                     ,mem=interleave or ,mem=first-touch\n"
		"  --numa-sim SPEC    a simulated topology over this host's CPUs for --numa:\n"
		"                     nodes=N[,remote=F][,cpus=0@0,1@1] (vCPUs pinned, memory not bound)\n"
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

static int check_host_memory(uint64_t mem)
{
	uint64_t avail = host_mem_available();

	if (avail && mem > avail) {
		fprintf(stderr, "lwvmm: --mem %llu MiB is more than the host can give "
			"(MemAvailable %llu MiB)\n", (unsigned long long)(mem >> 20),
			(unsigned long long)(avail >> 20));
		return -1;
	}
	return 0;
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
		{ "domains", required_argument, NULL, 'D' },
		{ "mem-backing", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_config c = { .ncpus = 1, .mem_size = 256ULL << 20 };
	const char *mem_arg = "256M";
	int ndomains = 1;
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
			break;
		case 'm':
			if (parse_size(optarg, &c.mem_size) < 0)
				return bad_usage("--mem '%s': give a size such as 256M or 2G", optarg);
			mem_arg = optarg;
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
			break;
		case 'd':
		case 'n':
			if (c.ndevices >= LW_MAX_DEVICES - 1)
				return bad_usage("--%s %s: at most %d devices", opt == 'd' ? "disk" : "net",
						 optarg, LW_MAX_DEVICES - 1);
			c.devices[c.ndevices++] = (struct device_spec){ opt == 'd' ? "disk" : "net", optarg };
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
		case 'D':
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
	if (check_host_memory(c.mem_size * (uint64_t)ndomains) < 0)
		return LWVMM_EXIT_RESOURCES;
	if ((c.numa_spec || c.numa_sim_spec) && (n = numa_place_configure(&c)) != 0)
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
	if (strcmp(argv[1], "info") == 0)
		return cmd_info();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	return bad_usage("unknown command '%s' (commands: run, info)", argv[1]);
}
