/*
 * `ctrun run`: prepare (runtime, cached rootfs, bundle, network), start the
 * runtime in the foreground, wait, clean up, report. SIGINT, SIGTERM and
 * SIGHUP stay blocked and are taken with sigtimedwait(), so an interrupt
 * at any point turns into "kill the container, then clean up", never into
 * a half-done exit.
 *
 * startup_ms: from just before the runtime is exec'd to the moment the
 * container's first program (ctstamp) runs, just before it execs the
 * workload; both read CLOCK_MONOTONIC, which containers share with the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrun.h"
#include "ctrun_opts.h"
#include "ctrun_run.h"

#define SUPERVISE_TICK_NS 100000000L  /* 0.1 s: how often `run` looks at signals */

sigset_t ct_stop_signals(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGCHLD);
	return s;
}

/* A stop signal already pending (taken), or 0. */
int ct_pending_stop(void)
{
	sigset_t s = ct_stop_signals();
	struct timespec zero = { 0, 0 };
	int sig;

	while ((sig = sigtimedwait(&s, NULL, &zero)) == SIGCHLD)
		;
	return sig > 0 ? sig : 0;
}

int ct_tick(struct ct_run *r, long ns)
{
	sigset_t stops = ct_stop_signals();
	struct timespec t = { 0, ns };
	int sig = sigtimedwait(&stops, NULL, &t);

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
		if (!r->interrupted)
			r->interrupted = sig;
		r->stop_requests++;
	}
	if (r->deadline && ct_now_ns() >= r->deadline && !r->timed_out) {
		r->timed_out = 1;
		r->stop_requests++;
	}
	return r->interrupted || r->timed_out;
}

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

char *ct_default_cache(const char *tool_dir)
{
	const char *env = getenv("CTRUN_CACHE");
	char *dir;

	if (env && *env)
		return strdup(env);
	/* build/bin/../containers */
	if (asprintf(&dir, "%s/../containers", tool_dir) < 0)
		return NULL;
	return dir;
}

void ct_run_init(struct ct_run *r, const struct ct_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->stamp_fd = -1;
	r->t_main = ct_now_ns();
	snprintf(r->id, sizeof(r->id), CT_PREFIX "%d", (int)getpid());
	snprintf(r->bundle, sizeof(r->bundle), "%s/" CT_BUNDLE_DIR "%d", tmp_dir(),
		 (int)getpid());
}

int ct_check_nofile(void)
{
	struct rlimit l;

	if (getrlimit(RLIMIT_NOFILE, &l) < 0 || l.rlim_max >= CT_NOFILE)
		return 0;
	fprintf(stderr, "ctrun: too few open files allowed: the hard limit is %llu (ulimit -Hn) "
		"and the container's processes get %d; raise it (ulimit -n %d)\n",
		(unsigned long long)l.rlim_max, CT_NOFILE, CT_NOFILE);
	return CT_EXIT_RESOURCES;
}

int ct_prepare(struct ct_run *r, const char *tool_dir)
{
	const struct ct_opts *o = r->o;
	struct rootfs_prog progs[16];
	char err[512];
	int n;

	if ((n = ct_check_nofile()))
		return n;
	if (runtime_detect(o->runtime, &r->rt, err, sizeof(err)) < 0) {
		fprintf(stderr, "ctrun: %s\n", err);
		return CT_EXIT_UNAVAILABLE;
	}
	cleanup_stale(&r->rt);
	n = rootfs_programs(tool_dir, progs, 16, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "ctrun: %s\n", err);
		return CT_EXIT_UNAVAILABLE;
	}
	char *cache = o->cache_dir ? strdup(o->cache_dir) : ct_default_cache(tool_dir);
	r->rootfs = rootfs_get(cache, progs, n, &r->rootfs_cached, err, sizeof(err));
	free(cache);
	for (int i = 0; i < n; i++)
		if (strcmp(progs[i].name, "busybox") && strcmp(progs[i].name, "fio") &&
		    strcmp(progs[i].name, "iperf3") && strcmp(progs[i].name, "stress-ng"))
			free((char *)progs[i].path);
	if (!r->rootfs) {
		/* A Ctrl-C to the group kills ldd and cp too: then the stop is the cause (ct_finish). */
		if ((r->interrupted = ct_pending_stop()))
			return CT_EXIT_FAILED;
		fprintf(stderr, "ctrun: cannot build the root file system: %s\n", err);
		return CT_EXIT_FAILED;
	}
	char *real = realpath(r->rootfs, NULL);
	if (real) {
		free(r->rootfs);
		r->rootfs = real;
	}

	if (mkdir(r->bundle, 0700) < 0 && !(errno == EEXIST && r->o->out)) {
		fprintf(stderr, "ctrun: cannot create bundle directory %s: %s\n", r->bundle,
			strerror(errno));
		return CT_EXIT_FAILED;
	}
	snprintf(r->scratch, sizeof(r->scratch), "%s/scratch", r->bundle);
	if (mkdir(r->scratch, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "ctrun: cannot create %s: %s\n", r->scratch, strerror(errno));
		return CT_EXIT_FAILED;
	}
	if (o->net && netns_setup(&r->net, (int)getpid(), err, sizeof(err)) < 0) {
		fprintf(stderr, "ctrun: network namespace: %s\n", err);
		return CT_EXIT_FAILED;
	}

	char peer[64] = "", port[64] = "";
	const char *env[3] = { NULL, NULL, NULL };
	if (o->net) {
		snprintf(peer, sizeof(peer), "VMBENCH_PEER=%s", r->net.host_ip);
		env[0] = peer;
		if (o->iperf3_port) {
			snprintf(port, sizeof(port), "VMBENCH_PEER_PORT=%d", o->iperf3_port);
			env[1] = port;
		}
	}
	char *args[256];
	int a = 0;
	args[a++] = "/bin/ctstamp";
	/* With --net, the argument "@peer" becomes the host end's address. */
	for (int i = 0; o->argv[i] && a < 255; i++)
		args[a++] = o->net && !strcmp(o->argv[i], "@peer") ? r->net.host_ip : o->argv[i];
	args[a] = NULL;
	struct ct_spec spec = {
		.id = r->id, .rootfs = r->rootfs, .scratch = r->scratch, .argv = args,
		.env = env, .cpus = o->cpus, .cpuset = o->cpuset, .mem_bytes = o->mem_bytes,
		.pids_limit = o->pids, .netns_path = o->net ? r->net.path : NULL, .file = o->file,
	};
	if (oci_write_bundle(r->bundle, &spec, err, sizeof(err)) < 0) {
		fprintf(stderr, "ctrun: %s\n", err);
		return CT_EXIT_FAILED;
	}
	return 0;
}

pid_t ct_start_child(char *const *argv, int stamp_w)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (stamp_w >= 0) {
			if (stamp_w != 3 && dup2(stamp_w, 3) < 0)
				_exit(127);
			fcntl(3, F_SETFD, 0);
		}
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "ctrun: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static int start_server(struct ct_run *r)
{
	char port[16];

	snprintf(port, sizeof(port), "%d", r->o->iperf3_port);
	char *argv[] = { "iperf3", "-s", "-B", r->net.host_ip, "-p", port, NULL };
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int saved_out = dup(1);

	/* the server's chatter must not mix with the program's output */
	dup2(null_fd, 1);
	r->server = ct_start_child(argv, -1);
	dup2(saved_out, 1);
	close(saved_out);
	close(null_fd);
	if (r->server < 0) {
		fprintf(stderr, "ctrun: cannot start the iperf3 server: %s\n", strerror(errno));
		r->server = 0;
		return -1;
	}
	return 0;
}

void ct_kill_container(struct ct_run *r)
{
	char *argv[] = { r->rt.path, "kill", r->id, "KILL", NULL };

	proc_run_quiet(argv);
}

pid_t ct_start_runtime(struct ct_run *r)
{
	char *argv[] = { r->rt.path, "run", "--bundle", r->bundle, "--preserve-fds", "1",
			 r->id, NULL };
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		fprintf(stderr, "ctrun: pipe: %s\n", strerror(errno));
		return -1;
	}
	r->t_runtime = ct_now_ns();
	if (r->o->timeout_s)
		r->deadline = r->t_runtime + (uint64_t)r->o->timeout_s * 1000000000ULL;
	pid = ct_start_child(argv, fds[1]);
	close(fds[1]);
	r->stamp_fd = fds[0];
	if (pid < 0)
		fprintf(stderr, "ctrun: fork: %s\n", strerror(errno));
	return pid;
}

int ct_stop_runtime(struct ct_run *r, pid_t runtime)
{
	uint64_t now = ct_now_ns();
	int again = r->stop_requests > r->stop_seen;

	if (r->stop_step == 0) {
		ct_kill_container(r);
	} else if (r->stop_step == 1 && (again || now - r->stop_at >= CT_GRACE_NS)) {
		fprintf(stderr, "ctrun: %s has not ended the container; killing its processes "
			"and %s (pid %d)\n", r->rt.name, r->rt.name, (int)runtime);
		cgroup_kill(r->id);
		kill(runtime, SIGKILL);
	} else if (r->stop_step == 2 && now - r->stop_at >= CT_GIVE_UP_NS) {
		fprintf(stderr, "ctrun: %s (pid %d) is still there %llu s after SIGKILL; "
			"leaving it\n", r->rt.name, (int)runtime, CT_GIVE_UP_NS / 1000000000ULL);
		return 1;
	} else {
		return 0;
	}
	r->stop_step++;
	r->stop_at = now;
	r->stop_seen = r->stop_requests;
	return 0;
}

int ct_wait_runtime(struct ct_run *r, pid_t runtime, int force)
{
	int status;

	for (;;) {
		pid_t got = waitpid(runtime, &status, WNOHANG);

		if (got == runtime)
			return proc_exit_status(status);
		if (got < 0 && errno != EINTR)
			return CT_EXIT_FAILED;
		/* A helper's exit (SIGCHLD) ends a tick early; each step acts only once. */
		if ((ct_tick(r, SUPERVISE_TICK_NS) || force) && ct_stop_runtime(r, runtime))
			return CT_EXIT_FAILED;
	}
}

/* Run the runtime in the foreground until it exits. */
static void supervise(struct ct_run *r)
{
	pid_t pid = ct_start_runtime(r);

	if (pid < 0) {
		r->status = CT_EXIT_FAILED;
		return;
	}
	r->status = ct_wait_runtime(r, pid, 0);
	r->t_end = ct_now_ns();
}

void ct_read_stamp(struct ct_run *r)
{
	char buf[64] = "";
	ssize_t n;

	if (r->stamp_fd < 0)
		return;
	fcntl(r->stamp_fd, F_SETFL, O_NONBLOCK);
	n = read(r->stamp_fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		r->t_stamp = strtoull(buf, NULL, 10);
		r->started = r->t_stamp > 0;
	}
	close(r->stamp_fd);
	r->stamp_fd = -1;
}

void ct_teardown(struct ct_run *r)
{
	if (r->server > 0) {
		kill(r->server, SIGTERM);
		waitpid(r->server, NULL, 0);
		r->server = 0;
	}
	netns_teardown(&r->net);
	cleanup_id(r->rt.path[0] ? &r->rt : NULL, (int)getpid());
}

static int write_stats(const struct ct_run *r, int exit_status)
{
	const struct ct_opts *o = r->o;
	json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b}",
			      "runtime", r->rt.name, "runtime_version", r->rt.version,
			      "runtime_path", r->rt.path,
			      "cgroup", r->rt.cgroup_v2 ? "v2" : "v1 (hybrid)",
			      "container_id", r->id, "exit_status", exit_status,
			      "started", r->started);
	json_object_set_new(s, "startup_ms", r->started ?
			    json_real((double)(r->t_stamp - r->t_runtime) / 1e6) : json_null());
	json_object_set_new(s, "prepare_ms", json_real((double)(r->t_runtime - r->t_main) / 1e6));
	/* null when the program never ran to an end (a checkpoint that failed, say) */
	json_object_set_new(s, "wall_s", r->t_runtime && r->t_end >= r->t_runtime ?
			    json_real((double)(r->t_end - r->t_runtime) / 1e9) : json_null());
	json_object_set_new(s, "limits", json_pack("{s:i, s:s, s:I, s:I, s:i}",
		"cpus", o->cpus, "cpuset", o->cpuset, "mem_bytes", (json_int_t)o->mem_bytes,
		"mem_swap_bytes", (json_int_t)o->mem_bytes, "pids", o->pids));
	json_object_set_new(s, "rootfs", json_string(r->rootfs));
	json_object_set_new(s, "rootfs_cached", json_boolean(r->rootfs_cached));
	if (o->net)
		json_object_set_new(s, "net", json_pack("{s:s, s:s, s:s}", "host_ip",
			r->net.host_ip, "container_ip", r->net.cont_ip, "host_if", r->net.host_if));
	if (r->interrupted)
		json_object_set_new(s, "interrupted_by", json_integer(r->interrupted));
	if (r->timed_out)
		json_object_set_new(s, "timed_out", json_true());
	if (r->extra)
		json_object_update(s, r->extra);
	int rc = json_dump_file(s, o->stats_json, JSON_COMPACT | JSON_REAL_PRECISION(10));
	if (rc < 0)
		fprintf(stderr, "ctrun: cannot write %s: %s\n", o->stats_json, strerror(errno));
	json_decref(s);
	return rc;
}

int ct_finish(struct ct_run *r, int rc)
{
	if (r->interrupted)
		rc = CT_EXIT_SIGNAL_BASE + r->interrupted;
	else if (r->timed_out)
		rc = CT_EXIT_TIMEOUT;
	else if (!rc && !r->started)
		rc = CT_EXIT_FAILED;
	else if (!r->started && r->t_runtime) {
		fprintf(stderr, "ctrun: %s failed before the program started (exit %d)\n",
			r->rt.name, rc);
		rc = CT_EXIT_FAILED;
	}
	if (r->interrupted)
		fprintf(stderr, "ctrun: interrupted by signal %d; container removed\n", r->interrupted);
	if (r->timed_out)
		fprintf(stderr, "ctrun: timed out after %d s; container killed\n", r->o->timeout_s);
	if (r->o->stats_json && r->t_runtime && write_stats(r, rc) < 0 && rc == 0)
		rc = CT_EXIT_FAILED;
	free(r->rootfs);
	json_decref(r->extra);
	return rc;
}

int ctrun_run(const struct ct_opts *o, const char *tool_dir)
{
	struct ct_run r;
	int rc;

	ct_run_init(&r, o);
	rc = ct_prepare(&r, tool_dir);
	if (!rc && o->iperf3_port && start_server(&r) < 0)
		rc = CT_EXIT_FAILED;
	if (!rc && (r.interrupted = ct_pending_stop()) == 0)
		supervise(&r);
	if (!rc)
		rc = r.status;
	ct_read_stamp(&r);
	ct_teardown(&r);
	return ct_finish(&r, rc);
}

int ctrun_bundle(const struct ct_opts *o, const char *tool_dir)
{
	struct ct_run r;
	int rc;

	ct_run_init(&r, o);
	snprintf(r.bundle, sizeof(r.bundle), "%s", o->out);   /* only bundle heeds --out */
	rc = ct_prepare(&r, tool_dir);
	if (!rc)
		printf("%s\n", o->out);
	free(r.rootfs);
	return rc;
}
