/*
 * `ctrun checkpoint`: the container counterpart of a VM snapshot. The
 * program starts in a container as with `ctrun run`; --after MS after it
 * started, the runtime checkpoints the container with CRIU into an image
 * (which stops it), restores it from that image and lets the program run to
 * its end, so that the program's own correctness check covers the restore.
 *
 *   checkpoint_ms  `RUNTIME checkpoint`, exec to exit: freeze, dump, kill
 *   restore_ms     `RUNTIME restore`, exec to the pid file: running again
 *   image_mib      the image's size; pages_mib, the memory pages in it
 *
 * The image is written in the bundle directory (under $TMPDIR) and goes with
 * it. Both runtimes run in the foreground, so the program's stdout is a pipe
 * of the runtime's before and after (CRIU cannot swap a pipe for a tty).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrun_run.h"

#define TICK_NS 10000000L     /* how often the waits look at signals and children */
#define RESTORE_TICK_NS 200000L /* 0.2 ms: how finely restore_ms is measured */
#define RESTORE_GRACE_NS 30000000000ULL /* 30 s: the longest a stop waits for CRIU's restore */

struct cr_paths {
	char image[PATH_MAX + 16], dump_work[PATH_MAX + 16], restore_work[PATH_MAX + 16];
	char pid_file[PATH_MAX + 16];
};

/* Until the program has run for --after ms: 0, or an exit status once the
 * runtime is gone (it ended, or was killed on a stop signal or the deadline). */
static int wait_running(struct ct_run *r, pid_t runtime)
{
	uint64_t checkpoint_at = 0;
	int status;

	for (;;) {
		if (r->stamp_fd >= 0) {
			struct pollfd p = { .fd = r->stamp_fd, .events = POLLIN };
			if (poll(&p, 1, 0) == 1) {
				ct_read_stamp(r);
				checkpoint_at = r->t_stamp + (uint64_t)r->o->after_ms * 1000000ULL;
			}
		}
		if (waitpid(runtime, &status, WNOHANG) == runtime) {
			int code = proc_exit_status(status);

			r->t_end = ct_now_ns();
			if (!r->started)
				return code ? code : CT_EXIT_FAILED;
			fprintf(stderr, "ctrun: the program ended (exit %d) before the checkpoint "
				"was due (--after %d ms): give it more work or a shorter --after\n",
				code, r->o->after_ms);
			return CT_EXIT_FAILED;
		}
		if (r->started && ct_now_ns() >= checkpoint_at)
			return 0;
		if (ct_tick(r, TICK_NS)) {
			ct_wait_runtime(r, runtime, 1);
			return CT_EXIT_FAILED;   /* ct_finish() turns this into 124 or 128+N */
		}
	}
}

/* The first telling error line of a CRIU log file (they grow to megabytes). */
static void log_error(const char *work_dir, const char *log, char *out, size_t outlen)
{
	char path[PATH_MAX + 64], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", work_dir, log);
	snprintf(out, outlen, "no error in CRIU's %s", log);
	f = fopen(path, "re");
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0)
		if (criu_error_line(line, (size_t)n - (line[n - 1] == '\n'), out, outlen))
			break;
	free(line);
	fclose(f);
}

/* `RUNTIME checkpoint`; the runtime that ran the container then exits. */
static int checkpoint(struct ct_run *r, pid_t runtime, const struct cr_paths *p,
		      uint64_t *ns)
{
	char *argv[] = { r->rt.path, "checkpoint", "--image-path", (char *)p->image,
			 "--work-path", (char *)p->dump_work, r->id, NULL };
	char out[4096], why[400];
	uint64_t t0 = ct_now_ns();
	int rc = proc_run(argv, out, sizeof(out));

	*ns = ct_now_ns() - t0;
	if (rc != 0) {
		log_error(p->dump_work, "dump.log", why, sizeof(why));
		fprintf(stderr, "ctrun: %s checkpoint failed (exit %d): %s\n", r->rt.name, rc, why);
	}
	/* the container is gone (killed by the checkpoint), so its runtime ends;
	 * after a failed checkpoint we end it */
	ct_wait_runtime(r, runtime, rc != 0);
	return rc == 0 ? 0 : CT_EXIT_FAILED;
}

/* Bytes of the image's files, and of its memory pages (pages-*.img). */
static void image_size(const char *dir, uint64_t *total, uint64_t *pages)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*total = *pages = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
			continue;
		*total += (uint64_t)st.st_size;
		if (!strncmp(e->d_name, "pages-", 6))
			*pages += (uint64_t)st.st_size;
	}
	closedir(d);
}

/* 1 once the runtime has written the restored container's pid file. */
static int pid_file_written(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}

/*
 * Whether a stop (signal or --timeout) may end the restore now. Not while
 * CRIU is still restoring: killing the runtime then leaves CRIU running on
 * its own, and the program it restores a moment later would outlive the run
 * in a cgroup and a bundle that are already gone. So the stop waits for the
 * restored program (then it is killed the usual way) or the runtime's end;
 * a second stop request, or RESTORE_GRACE_NS after the restore began, does
 * not wait any longer.
 */
static int stop_now(const struct ct_run *r, int restored, uint64_t restore_start)
{
	return restored || r->stop_requests > 1 ||
	       ct_now_ns() - restore_start >= RESTORE_GRACE_NS;
}

/*
 * `RUNTIME restore` in the foreground, like the `RUNTIME run` it replaces:
 * the runtime gives the restored program new pipes for its output and
 * copies them to ours, whatever ours are, and exits with the program's
 * status. The runtime writes the pid file once CRIU has restored the
 * program and it runs again: restore_ms ends there.
 */
static int restore(struct ct_run *r, const struct cr_paths *p, uint64_t *ns)
{
	char *argv[] = { r->rt.path, "restore", "--image-path", (char *)p->image,
			 "--work-path", (char *)p->restore_work, "--bundle", r->bundle,
			 "--pid-file", (char *)p->pid_file, r->id, NULL };
	uint64_t t0 = ct_now_ns();
	pid_t runtime = ct_start_child(argv, -1);
	int status = 0, code = -1, restored = 0;
	char why[400];

	if (runtime < 0) {
		fprintf(stderr, "ctrun: fork: %s\n", strerror(errno));
		return CT_EXIT_FAILED;
	}
	while (code < 0) {
		if (waitpid(runtime, &status, WNOHANG) == runtime) {
			code = proc_exit_status(status);
			break;
		}
		if (!restored && pid_file_written(p->pid_file)) {
			*ns = ct_now_ns() - t0;
			restored = 1;
		}
		if (ct_tick(r, restored ? TICK_NS : RESTORE_TICK_NS) && stop_now(r, restored, t0))
			code = ct_wait_runtime(r, runtime, 1);
	}
	if (!restored && pid_file_written(p->pid_file)) {   /* it ended within a tick */
		*ns = ct_now_ns() - t0;
		restored = 1;
	}
	r->t_end = ct_now_ns();
	if (!restored) {
		log_error(p->restore_work, "restore.log", why, sizeof(why));
		fprintf(stderr, "ctrun: %s restore failed (exit %d): %s\n", r->rt.name, code, why);
		return CT_EXIT_FAILED;
	}
	return code;
}

static int checkpoint_and_restore(struct ct_run *r)
{
	struct cr_paths p;
	uint64_t dump_ns = 0, restore_ns = 0, total, pages;
	pid_t runtime;
	int rc;

	snprintf(p.image, sizeof(p.image), "%s/image", r->bundle);
	snprintf(p.dump_work, sizeof(p.dump_work), "%s/dump-work", r->bundle);
	snprintf(p.restore_work, sizeof(p.restore_work), "%s/restore-work", r->bundle);
	snprintf(p.pid_file, sizeof(p.pid_file), "%s/restored.pid", r->bundle);
	runtime = ct_start_runtime(r);
	if (runtime < 0)
		return CT_EXIT_FAILED;
	rc = wait_running(r, runtime);
	if (rc)
		return rc;
	rc = checkpoint(r, runtime, &p, &dump_ns);
	if (rc)
		return rc;
	/* a stop signal or the deadline that came during the dump: no restore */
	if (ct_tick(r, 0))
		return CT_EXIT_FAILED;
	image_size(p.image, &total, &pages);
	fprintf(stderr, "ctrun: checkpointed in %.1f ms, image %.1f MiB; restoring\n",
		(double)dump_ns / 1e6, (double)total / 1048576);
	rc = restore(r, &p, &restore_ns);
	r->extra = json_pack("{s:f, s:f, s:f, s:f, s:i, s:s}",
			     "checkpoint_ms", (double)dump_ns / 1e6,
			     "restore_ms", (double)restore_ns / 1e6,
			     "image_mib", (double)total / 1048576,
			     "pages_mib", (double)pages / 1048576,
			     "after_ms", r->o->after_ms, "image_dir", p.image);
	return rc;
}

int ctrun_checkpoint(const struct ct_opts *o, const char *tool_dir)
{
	struct ct_run r;
	char why[512];
	int rc;

	if (o->net) {
		fprintf(stderr, "ctrun: checkpoint takes no --net (CRIU would have to carry the "
			"veth's connections)\n");
		return CT_EXIT_USAGE;
	}
	if (!criu_available(why, sizeof(why))) {
		fprintf(stderr, "ctrun: checkpoint/restore unavailable: %s\n", why);
		return CT_EXIT_UNAVAILABLE;
	}
	ct_run_init(&r, o);
	rc = ct_prepare(&r, tool_dir);
	if (!rc && (r.interrupted = ct_pending_stop()) == 0)
		rc = checkpoint_and_restore(&r);
	ct_teardown(&r);
	return ct_finish(&r, rc);
}
