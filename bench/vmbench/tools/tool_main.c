/*
 * vmbench-tool NAME --threads N [--seconds S] [TOOL OPTIONS]
 *   fio       --size-mib M (64): 4 KiB random read/write 70/30, O_DIRECT,
 *             psync, N jobs on one M MiB file in $TMPDIR (default /tmp); the
 *             jobs are threads (--thread), so killing fio ends them all
 *   iperf3    TCP, N parallel streams, to $VMBENCH_PEER:$VMBENCH_PEER_PORT
 *             (the container's host end), else to its own server on 127.0.0.1
 *   stress-ng --stressor cpu|vm|switch|syscall|... [--vm-mib M (64)]: N
 *             instances, --metrics, YAML
 * Prints one result line; exit 0, 1 when the tool or its output failed
 * (the reason on stderr), 64 on bad usage, 128+N when signal N (SIGINT,
 * SIGTERM, SIGHUP) stopped it: the tool is killed and reaped and the
 * scratch directory $TMPDIR/vmbench-tool-PID-XXXXXX removed first. Scratch
 * directories whose PID is gone (a SIGKILLed vmbench-tool) are removed by
 * the next vmbench-tool run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "stop_sweep.h"
#include "tool.h"

struct tool_opts {
	const char *name;
	int threads, seconds, size_mib, vm_mib;
	const char *stressor;
};

static void usage_to(FILE *f)
{
	fprintf(f, "usage: vmbench-tool fio|iperf3|stress-ng --threads N [--seconds S]\n"
		   "       [--size-mib M] (fio)  [--stressor NAME] [--vm-mib M] (stress-ng)\n"
		   "       vmbench-tool --help | --version\n"
		   "prints one result line; exit 0, 1 the tool or its output failed, 64 usage,\n"
		   "128+N stopped by signal N\n");
}

static void usage(void)
{
	usage_to(stderr);
}

static int is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static int parse(int argc, char **argv, struct tool_opts *o)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "size-mib", required_argument, NULL, 'z' },
		{ "vm-mib", required_argument, NULL, 'v' },
		{ "stressor", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct tool_opts){ .threads = 1, .seconds = 5, .size_mib = 64, .vm_mib = 64 };
	if (argc < 2) {
		usage();
		return -1;
	}
	o->name = argv[1];
	opterr = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int *target = c == 't' ? &o->threads : c == 's' ? &o->seconds :
			      c == 'z' ? &o->size_mib : c == 'v' ? &o->vm_mib : NULL;
		if (c == 'S') {
			if (strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(optarg)) {
				fprintf(stderr, "vmbench-tool: bad stressor name '%s'\n", optarg);
				return -1;
			}
			o->stressor = optarg;
			continue;
		}
		char *end;
		long v = target ? strtol(optarg, &end, 10) : 0;
		if (!target || *end || end == optarg || v < 1 || v > 100000) {
			fprintf(stderr, "vmbench-tool: bad option or value '%s'\n", argv[optind - 1]);
			usage();
			return -1;
		}
		*target = (int)v;
	}
	if (optind < argc) {
		fprintf(stderr, "vmbench-tool: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!strcmp(o->name, "stress-ng") && !o->stressor) {
		fprintf(stderr, "vmbench-tool: stress-ng needs --stressor NAME\n");
		return -1;
	}
	return 0;
}

#define SCRATCH_PREFIX "vmbench-tool-"   /* + owner's pid + "-XXXXXX" */

static char *scratch_dir(void)
{
	char *dir;

	if (asprintf(&dir, "%s/" SCRATCH_PREFIX "%d-XXXXXX", stop_tmp_dir(), (int)getpid()) < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		perror("vmbench-tool: mkdtemp");
		free(dir);
		return NULL;
	}
	return dir;
}

static int run_fio(const struct tool_opts *o, char *dir, struct tool_result *r,
		   char *err, size_t errlen)
{
	char a_dir[4200], a_out[4300], a_size[32], a_jobs[32], a_time[32];
	char out[4200];

	snprintf(a_dir, sizeof(a_dir), "--filename=%s/data", dir);
	snprintf(out, sizeof(out), "%s/fio.json", dir);
	snprintf(a_out, sizeof(a_out), "--output=%s", out);
	snprintf(a_size, sizeof(a_size), "--size=%dM", o->size_mib);
	snprintf(a_jobs, sizeof(a_jobs), "--numjobs=%d", o->threads);
	snprintf(a_time, sizeof(a_time), "--runtime=%d", o->seconds);
	char *argv[] = { "fio", "--name=randrw", a_dir, a_size,
			 "--rw=randrw", "--rwmixread=70", "--bs=4k", "--ioengine=psync", "--thread",
			 "--direct=1", a_jobs, "--group_reporting", a_time, "--time_based",
			 "--output-format=json", a_out, NULL };
	int rc = tool_exec(argv, NULL, 1);
	char *text = tool_slurp(out);
	int parsed = fio_parse(text, r, err, errlen);

	free(text);
	if (parsed == 0 && rc != 0) {
		snprintf(err, errlen, "fio exited %d", rc);
		return -1;
	}
	return parsed;
}

static int run_iperf3(const struct tool_opts *o, char *dir, struct tool_result *r,
		      char *err, size_t errlen)
{
	const char *peer = getenv("VMBENCH_PEER"), *peer_port = getenv("VMBENCH_PEER_PORT");
	char port[16], streams[16], secs[16], out[4200];
	pid_t server = 0;
	int parsed = -1;

	snprintf(port, sizeof(port), "%s", peer && peer_port ? peer_port : "");
	if (!peer) {
		char *argv[] = { "iperf3", "-s", "-B", "127.0.0.1", "-p", port, NULL };
		peer = "127.0.0.1";
		snprintf(port, sizeof(port), "%d", 5300 + (int)(getpid() % 500));
		server = fork();
		if (server == 0) { /* exec'd here, so killing `server` ends iperf3 itself */
			int null_fd = open("/dev/null", O_WRONLY);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			tool_child_signals();
			dup2(null_fd, 1);
			dup2(null_fd, 2);
			execvp(argv[0], argv);
			_exit(127);
		}
	}
	snprintf(streams, sizeof(streams), "%d", o->threads);
	snprintf(secs, sizeof(secs), "%d", o->seconds);
	snprintf(out, sizeof(out), "%s/iperf3.json", dir);
	char *argv[] = { "iperf3", "-c", (char *)peer, "-p", port, "-P", streams, "-t", secs,
			 "-J", NULL };
	/* the server may not listen yet: retry a refused connection for 5 s */
	for (int attempt = 0; attempt < 50; attempt++) {
		int rc = tool_exec(argv, out, 0);
		char *text = tool_slurp(out);
		parsed = iperf3_parse(text, r, err, errlen);
		free(text);
		if (parsed == 0 && rc != 0) {
			snprintf(err, errlen, "iperf3 exited %d", rc);
			parsed = -1;
		}
		if (parsed == 0 || !strstr(err, "refused") || tool_stop_signal())
			break;
		usleep(100000);
	}
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	return parsed;
}

static int run_stressng(const struct tool_opts *o, char *dir, struct tool_result *r,
			char *err, size_t errlen)
{
	char opt[64], n[16], secs[32], vm[32], out[4200];
	int a = 0;
	char *argv[16];

	snprintf(opt, sizeof(opt), "--%s", o->stressor);
	snprintf(n, sizeof(n), "%d", o->threads);
	snprintf(secs, sizeof(secs), "%ds", o->seconds);
	snprintf(vm, sizeof(vm), "%dM", o->vm_mib);
	snprintf(out, sizeof(out), "%s/stress-ng.yaml", dir);
	argv[a++] = "stress-ng";
	argv[a++] = opt;
	argv[a++] = n;
	if (!strcmp(o->stressor, "vm")) {
		argv[a++] = "--vm-bytes";
		argv[a++] = vm;
	}
	argv[a++] = "--timeout";
	argv[a++] = secs;
	argv[a++] = "--metrics";
	argv[a++] = "--yaml";
	argv[a++] = out;
	argv[a++] = "--temp-path";
	argv[a++] = dir;
	argv[a] = NULL;
	int rc = tool_exec(argv, NULL, 1);
	char *text = tool_slurp(out);
	int parsed = stressng_parse(text, o->stressor, r, err, errlen);

	free(text);
	if (parsed == 0 && rc != 0) {
		snprintf(err, errlen, "stress-ng exited %d", rc);
		return -1;
	}
	return parsed;
}

int main(int argc, char **argv)
{
	struct tool_opts o;
	struct tool_result r;
	char err[512] = "", *dir;
	int rc;

	for (int i = 1; i < argc && i < 3; i++)
		if (is_help(argv[i])) {   /* vmbench-tool --help, vmbench-tool fio --help */
			usage_to(stdout);
			return 0;
		}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("vmbench-tool %s\n", BUILD_VERSION);
		return 0;
	}
	if (argc >= 2 && argv[1][0] == '-') {
		fprintf(stderr, "vmbench-tool: bad option '%s' (the tool's name comes first)\n", argv[1]);
		usage();
		return EX_USAGE;
	}
	if (parse(argc, argv, &o) < 0)
		return EX_USAGE;
	if (strcmp(o.name, "fio") && strcmp(o.name, "iperf3") && strcmp(o.name, "stress-ng")) {
		fprintf(stderr, "vmbench-tool: unknown tool '%s' (fio, iperf3, stress-ng)\n", o.name);
		return EX_USAGE;
	}
	tool_hold_signals();
	stop_sweep_dead(stop_tmp_dir(), SCRATCH_PREFIX);   /* what SIGKILLed vmbench-tools left */
	dir = scratch_dir();
	if (!dir)
		return 1;
	if (!strcmp(o.name, "fio"))
		rc = run_fio(&o, dir, &r, err, sizeof(err));
	else if (!strcmp(o.name, "iperf3"))
		rc = run_iperf3(&o, dir, &r, err, sizeof(err));
	else
		rc = run_stressng(&o, dir, &r, err, sizeof(err));
	stop_remove_tree(dir);
	free(dir);
	if (tool_stop_signal()) {
		fprintf(stderr, "vmbench-tool: %s stopped by signal %d; its files are removed\n",
			o.name, tool_stop_signal());
		return 128 + tool_stop_signal();
	}
	if (rc < 0) {
		fprintf(stderr, "vmbench-tool: %s: %s\n", o.name, err);
		printf("result workload=%s ok=0 score=0 score_unit=none threads=%d\n", o.name,
		       o.threads);
		return 1;
	}
	printf("result workload=%s ok=1 score=%.6g score_unit=%s", o.name, r.score, r.unit);
	for (int i = 0; i < r.n; i++)
		printf(" %s=%.6g", r.m[i].key, r.m[i].value);
	printf(" threads=%d seconds=%d\n", o.threads, o.seconds);
	return 0;
}
