/*
 * The io workload natively: real fio with the io workload's parameters, on
 * the same file the VM's disk uses, its JSON read with jansson. fio's figures
 * come back in the io workload's result line, so the harness compares like
 * with like.
 *
 * fio's JSON goes to $TMPDIR/lwvmm-fio-PID-XXXXXX (default /tmp). SIGINT,
 * SIGTERM and SIGHUP are held while fio runs: one of them kills fio
 * (SIGTERM, SIGKILL 1 s later), reaps it, removes the file and ends the
 * workload with 128 + the signal. fio runs its job as a thread (--thread),
 * so that the SIGKILL it gets when the workload is SIGKILLed (PDEATHSIG)
 * ends the job too; a job process would go on alone. Files of a workload that was SIGKILLed
 * (its PID is gone) are swept by the next native io run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "stop_sweep.h"

#define FIO_PREFIX "lwvmm-fio-"          /* + owner's pid + "-XXXXXX" */

/*
 * fio's exit status, or -1; *stopped_by the stop signal that ended it early.
 * The caller holds the stop signals and SIGCHLD blocked; they are taken here
 * with sigtimedwait(), so nothing can end us between fork and reap.
 */
static int run_fio(char **argv, const sigset_t *old_mask, int *stopped_by)
{
	pid_t parent = getpid(), pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);   /* a SIGKILLed workload takes fio along */
		if (getppid() != parent)
			_exit(127);
		sigprocmask(SIG_SETMASK, old_mask, NULL);
		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		execvp("fio", argv);
		fprintf(stderr, "io: cannot run fio: %s (apt-get install fio)\n", strerror(errno));
		_exit(127);
	}
	status = stop_wait_child(pid, stopped_by);
	return status < 0 || status > 127 ? 128 : status;
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

/* fio can print "fio: ..." lines before the JSON (axboe/fio#731): start at the first '{'. */
static json_t *load_json(const char *path)
{
	FILE *f = fopen(path, "r");
	json_error_t err;
	int c;

	if (!f)
		return NULL;
	while ((c = fgetc(f)) != EOF && c != '{')
		;
	if (c == EOF) {
		fclose(f);
		return NULL;
	}
	ungetc(c, f);
	json_t *root = json_loadf(f, JSON_DISABLE_EOF_CHECK, &err);
	fclose(f);
	return root;
}

int io_run(const struct io_params *p, struct io_figures *f)
{
	char out[4096], out_opt[4200], a[12][96], fsync[32];
	struct stat st;
	uint64_t size = p->total;
	sigset_t held = stop_signals(), old_mask;
	int stopped_by = 0;

	if (!p->file) {
		fprintf(stderr, "io: natively the io workload runs fio and needs --file PATH\n");
		return WL_USAGE;
	}
	if (stat(p->file, &st) == 0 && st.st_size >= p->bs)
		size = (uint64_t)st.st_size / p->bs * p->bs;
	sigaddset(&held, SIGCHLD);
	sigprocmask(SIG_BLOCK, &held, &old_mask);
	stop_sweep_dead(stop_tmp_dir(), FIO_PREFIX);   /* what SIGKILLed workloads left */
	snprintf(out, sizeof(out), "%s/" FIO_PREFIX "%d-XXXXXX", stop_tmp_dir(), (int)getpid());
	int fd = mkstemp(out);
	if (fd < 0) {
		fprintf(stderr, "io: mkstemp %s: %s\n", out, strerror(errno));
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		return 3;
	}
	close(fd);
	snprintf(a[0], sizeof(a[0]), "--filename=%s", p->file);
	snprintf(a[1], sizeof(a[1]), "--rw=%s", p->rw);
	snprintf(a[2], sizeof(a[2]), "--bs=%u", p->bs);
	snprintf(a[3], sizeof(a[3]), "--iodepth=%d", p->qd);
	snprintf(a[4], sizeof(a[4]), "--direct=%d", p->direct);
	snprintf(a[5], sizeof(a[5]), "--size=%llu", (unsigned long long)size);
	snprintf(a[6], sizeof(a[6]), "--io_size=%llu", (unsigned long long)p->total);
	snprintf(out_opt, sizeof(out_opt), "--output=%s", out);
	snprintf(fsync, sizeof(fsync), "--fsync=%d", p->fsync);
	char *argv[] = { "fio", "--name=io", a[0], a[1], a[2], a[3], a[4], a[5], a[6],
			 "--ioengine=io_uring", "--thread", "--percentile_list=50:99:99.9",
			 "--output-format=json", out_opt, fsync, NULL };
	int rc = run_fio(argv, &old_mask, &stopped_by);
	json_t *root = stopped_by ? NULL : load_json(out);
	unlink(out);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (stopped_by) {
		fprintf(stderr, "io: stopped by signal %d; fio killed, its output removed\n",
			stopped_by);
		return 128 + stopped_by;
	}
	json_t *job = json_array_get(json_object_get(root, "jobs"), 0);
	if (rc != 0 || !job || json_integer_value(json_object_get(job, "error")) != 0) {
		fprintf(stderr, "io: fio failed (exit %d, error %lld)\n", rc,
			job ? (long long)json_integer_value(json_object_get(job, "error")) : -1LL);
		json_decref(root);
		return 3;
	}
	json_t *dir = json_object_get(job, p->write ? "write" : "read");
	json_t *clat = json_object_get(dir, "clat_ns");
	json_t *pct = json_object_get(clat, "percentile");
	/*
	 * fio's JSON gives the runtime in whole milliseconds only (its bw and
	 * iops derive from it), so a run of a few ms is quantized: 4 ms + 1 is
	 * 25% more. The result line says so (time_res_s) and the report flags
	 * a figure whose time is under 100 steps of it.
	 */
	f->seconds = num(dir, "runtime") / 1000.0;
	f->time_res_s = 0.001;
	f->bytes = (uint64_t)num(dir, "io_bytes");
	f->requests = (uint64_t)num(dir, "total_ios");
	f->flushes = (uint64_t)num(json_object_get(job, "sync"), "total_ios");
	f->clat_mean_ns = num(clat, "mean");
	f->clat_p50_ns = num(pct, "50.000000");
	f->clat_p99_ns = num(pct, "99.000000");
	f->clat_p999_ns = num(pct, "99.900000");
	json_decref(root);
	return f->requests ? 0 : 1;
}
