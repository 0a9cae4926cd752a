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
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disk_image.h"
#include "paths.h"
#include "run.h"
#include "stop_sweep.h"

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
			return 64;   /* EX_USAGE */
		}
		images += disk_image_sweep_dir(argv[i]) + disk_image_sweep_children(argv[i]);
	}
	images += disk_image_sweep_children("results");
	printf("disk images of dead runs: %d removed\n", images);
	printf("fio outputs of dead workloads: %d removed\n", stop_sweep_dead(tmp, "lwvmm-fio-"));
	printf("scratch directories of dead vmbench-tools: %d removed\n",
	       stop_sweep_dead(tmp, "vmbench-tool-"));
	return ctrun_gc();
}
