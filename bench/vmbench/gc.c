/*
 * `vmbench gc [DIR...]`: removes what killed runs of the project left, in one
 * command (each sweep also runs by itself at the next run of its owner):
 *   - disk-*.img of run directories whose vmbench is gone, in results/ and
 *     in each DIR and its subdirectories (disk_image.c; also `vmbench run`);
 *   - $TMPDIR/lwvmm-fio-PID-* (native `workload io`) and
 *     $TMPDIR/vmbench-tool-PID-* (vmbench-tool) whose PID is gone (also the
 *     next `workload io` and `vmbench-tool` run);
 *   - as root, `ctrun gc` beside vmbench: containers, cgroups, network
 *     namespaces, veths, bundles and root file system builds of dead ctruns.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disk_image.h"
#include "paths.h"
#include "run.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* PREFIX<pid>-... entries of dir whose pid is dead go (files or trees); how many. */
static int sweep_dead_pid(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = strlen(prefix);
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *end, *path;
		long pid;

		if (strncmp(e->d_name, prefix, len))
			continue;
		pid = strtol(e->d_name + len, &end, 10);
		if (*end != '-' || pid <= 0 || !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			break;
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(path);
		n++;
	}
	closedir(d);
	return n;
}

static int ctrun_gc(void)
{
	char *ctrun = paths_join(paths_tool_dir(), "ctrun");
	int status = -1;
	pid_t pid;

	if (geteuid() != 0 || access(ctrun, X_OK) < 0) {
		printf("containers: not swept (%s)\n", geteuid() ? "ctrun gc needs root" :
		       "ctrun is not built");
		free(ctrun);
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(ctrun, "ctrun", "gc", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	free(ctrun);
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int cmd_gc(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	int images = 0;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			fprintf(stderr, "usage: vmbench gc [DIR...]\n");
			return 2;
		}
		images += disk_image_sweep_dir(argv[i]) + disk_image_sweep_children(argv[i]);
	}
	images += disk_image_sweep_children("results");
	printf("disk images of dead runs: %d removed\n", images);
	printf("fio outputs of dead workloads: %d removed\n", sweep_dead_pid(tmp, "lwvmm-fio-"));
	printf("scratch directories of dead vmbench-tools: %d removed\n",
	       sweep_dead_pid(tmp, "vmbench-tool-"));
	return ctrun_gc();
}
