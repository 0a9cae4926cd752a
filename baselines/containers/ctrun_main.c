/*
 * ctrun: the container environment of vmbench.
 *   ctrun run [OPTIONS] -- PROGRAM [ARGS]   run it in an OCI container
 *   ctrun bundle --out DIR [OPTIONS] -- PROGRAM [ARGS]   only write the bundle
 *   ctrun checkpoint [--after MS] [OPTIONS] -- PROGRAM [ARGS]
 *                                           run it, checkpoint and restore it (CRIU)
 *   ctrun info                              runtime, version, cgroups, C/R
 *   ctrun gc                                remove what killed runs left
 * See usage() for the options and exit statuses.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrun.h"
#include "ctrun_opts.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ctrun run [OPTIONS] -- PROGRAM [ARGS]\n"
		"       ctrun bundle --out DIR [OPTIONS] -- PROGRAM [ARGS]\n"
		"       ctrun checkpoint [--after MS] [OPTIONS] -- PROGRAM [ARGS]\n"
		"       ctrun info | gc | --help | --version\n"
		"  --cpus N             CPU count (default: the --cpuset's size)\n"
		"  --cpuset LIST        CPUs, e.g. 0-1 (default: the first N we may run on)\n"
		"  --mem SIZE           memory limit, no extra swap (default 256M)\n"
		"  --pids N             pids limit (default 1024)\n"
		"  --net                own network namespace with a veth pair to the host;\n"
		"                       VMBENCH_PEER inside, and any argument \"@peer\", give the\n"
		"                       host end's address\n"
		"  --iperf3-server PORT also run `iperf3 -s` on the host end (implies --net)\n"
		"  --runtime NAME       auto (default), runc or crun\n"
		"  --cache DIR          root file system cache (default build/containers)\n"
		"  --stats-json FILE    write runtime, version, startup_ms and limits\n"
		"  --timeout SECONDS    kill the container after this long\n"
		"  --file PATH          bind this host file (a disk image) at /scratch/file\n"
		"  --after MS           checkpoint: let the program run this long, then\n"
		"                       checkpoint the container with CRIU, restore it and\n"
		"                       let it finish (default 1000); --stats-json gets\n"
		"                       checkpoint_ms, restore_ms, image_mib, pages_mib\n"
		"PROGRAM is one of /bin in the container: workload, vmbench-tool, fio,\n"
		"iperf3, stress-ng or a busybox applet.\n"
		"exit status: the program's, or 64 usage, 69 no runtime or no permission,\n"
		"70 container failure, 71 resources (open-files limit), 124 timeout,\n"
		"128+N ended by signal N (129 SIGHUP, 130 SIGINT, 143 SIGTERM)\n");
}

static const char *own_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);

	if (n <= 0)
		return ".";
	dir[n] = '\0';
	*strrchr(dir, '/') = '\0';
	return dir;
}

static int cmd_info(void)
{
	struct ct_runtime rt;
	char err[512], why[512];
	int ok = runtime_detect(NULL, &rt, err, sizeof(err)) == 0;

	printf("cgroups: %s\n", rt.cgroup_v2 ? "unified v2" : "v1 (hybrid or legacy)");
	if (ok)
		printf("runtime: %s %s (%s)\n", rt.name, rt.version, rt.path);
	else
		printf("runtime: unavailable: %s\n", err);
	if (criu_available(why, sizeof(why)))
		printf("checkpoint: available (criu)\n");
	else
		printf("checkpoint: unavailable: %s\n", why);
	return ok ? 0 : CT_EXIT_UNAVAILABLE;
}

static int cmd_gc(void)
{
	struct ct_runtime rt;
	char err[512];

	if (runtime_detect(NULL, &rt, err, sizeof(err)) < 0) {
		fprintf(stderr, "ctrun: %s\n", err);
		return CT_EXIT_UNAVAILABLE;
	}
	char *cache = ct_default_cache(own_dir());
	int builds = cache ? rootfs_sweep(cache) : 0;

	free(cache);
	printf("removed the leftovers of %d dead runs\n", cleanup_stale(&rt));
	printf("removed %d unfinished root file system builds of dead runs\n", builds);
	return 0;
}

int main(int argc, char **argv)
{
	struct ct_opts o;
	char err[512];
	sigset_t stops;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigaddset(&stops, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stops, NULL);

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (argc >= 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))) {
		usage(argc < 2 ? stderr : stdout);   /* also `ctrun run --help` */
		return argc < 2 ? CT_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ctrun %s\n", BUILD_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info();
	if (!strcmp(argv[1], "gc"))
		return cmd_gc();
	if (strcmp(argv[1], "run") && strcmp(argv[1], "bundle") && strcmp(argv[1], "checkpoint")) {
		fprintf(stderr, "ctrun: unknown command '%s'\n", argv[1]);   /* also options: the command comes first */
		usage(stderr);
		return CT_EXIT_USAGE;
	}
	if (opts_parse(argc - 1, argv + 1, &o) < 0)
		return CT_EXIT_USAGE;
	if (opts_resolve_cpus(&o, err, sizeof(err)) < 0) {
		fprintf(stderr, "ctrun: %s\n", err);
		return CT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "bundle")) {
		if (!o.out || o.net) {
			fprintf(stderr, "ctrun: bundle needs --out DIR and takes no --net\n");
			return CT_EXIT_USAGE;
		}
		return ctrun_bundle(&o, own_dir());
	}
	if (!strcmp(argv[1], "checkpoint"))
		return ctrun_checkpoint(&o, own_dir());
	return ctrun_run(&o, own_dir());
}
