/*
 * Leaving nothing behind. Everything a run makes is named after ctrun's
 * pid: container vmb-PID, cgroup /vmb-PID in every hierarchy, network
 * namespace vmb-PID, veth vmbhPID, bundle directory $TMPDIR/vmbench-ct-PID.
 * cleanup_id() removes all of them for one pid; cleanup_stale() finds the
 * ones whose ctrun is gone (killed with SIGKILL, say) and removes those.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctrun.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int rmtree(const char *path)
{
	if (access(path, F_OK) < 0)
		return 0;
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static void remove_cgroups(const char *name)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *e;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", name);
	rmdir(path); /* unified v2 */
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", e->d_name, name);
		rmdir(path);
	}
	closedir(d);
}

/* Write text into a control file; quietly nothing where it does not exist. */
static void write_control(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/* SIGKILL to every process listed in dir/cgroup.procs; how many. */
static int kill_procs(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;
	int pid, n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 0 && kill(pid, SIGKILL) == 0)
			n++;
	fclose(f);
	return n;
}

/*
 * The runtime's own way (`kill ID KILL`) needs a runtime that answers; this
 * goes around it: every process in the container's cgroup, in each
 * hierarchy, gets SIGKILL, after a frozen cgroup is thawed (a frozen
 * process does not die until it is).
 */
int cgroup_kill(const char *name)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *e;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	int n;

	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s", name);
	snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
	write_control(path, "0");
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	write_control(path, "1");  /* unified v2: the kernel kills them all */
	n = kill_procs(dir);
	if (!d)
		return n;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/%s", e->d_name, name);
		snprintf(path, sizeof(path), "%s/freezer.state", dir);
		write_control(path, "THAWED");
		n += kill_procs(dir);
	}
	closedir(d);
	return n;
}

void cleanup_id(const struct ct_runtime *rt, int pid)
{
	char id[32], path[PATH_MAX], link[32];

	snprintf(id, sizeof(id), CT_PREFIX "%d", pid);
	if (rt && rt->path[0]) {
		char *argv[] = { (char *)rt->path, "delete", "--force", id, NULL };
		proc_run_quiet(argv);
	}
	snprintf(link, sizeof(link), CT_VETH_HOST "%d", pid);
	snprintf(path, sizeof(path), "/sys/class/net/%s", link);
	if (access(path, F_OK) == 0) {
		char *argv[] = { "ip", "link", "del", link, NULL };
		proc_run_quiet(argv);
	}
	snprintf(path, sizeof(path), "/run/netns/%s", id);
	if (access(path, F_OK) == 0) {
		char *argv[] = { "ip", "netns", "del", id, NULL };
		proc_run_quiet(argv);
	}
	remove_cgroups(id);
	snprintf(path, sizeof(path), "%s/" CT_BUNDLE_DIR "%d", tmp_dir(), pid);
	rmtree(path);
}

/* The pid in NAME when NAME is PREFIX<digits>, else 0. */
static int owner_pid(const char *name, const char *prefix)
{
	size_t len = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, len) || !name[len])
		return 0;
	pid = strtol(name + len, &end, 10);
	return *end || pid <= 0 || pid > INT_MAX ? 0 : (int)pid;
}

static int owner_dead(int pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static int sweep_dir(const struct ct_runtime *rt, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int pids[256], n = 0, cleaned = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < 256) {
		int pid = owner_pid(e->d_name, prefix);
		if (pid && owner_dead(pid))
			pids[n++] = pid;
	}
	closedir(d);
	for (int i = 0; i < n; i++, cleaned++)
		cleanup_id(rt, pids[i]);
	return cleaned;
}

int cleanup_stale(const struct ct_runtime *rt)
{
	int cleaned = 0;

	/* runc keeps its state in /run/runc/ID (crun: /run/crun/ID) */
	cleaned += sweep_dir(rt, "/run/runc", CT_PREFIX);
	cleaned += sweep_dir(rt, "/run/crun", CT_PREFIX);
	cleaned += sweep_dir(rt, "/run/netns", CT_PREFIX);
	cleaned += sweep_dir(rt, "/sys/class/net", CT_VETH_HOST);
	cleaned += sweep_dir(rt, "/sys/fs/cgroup/memory", CT_PREFIX);
	cleaned += sweep_dir(rt, "/sys/fs/cgroup", CT_PREFIX);
	cleaned += sweep_dir(rt, tmp_dir(), CT_BUNDLE_DIR);
	return cleaned;
}
