/*
 * Which OCI runtime runs the bundle: crun where the host's cgroups are
 * unified v2 and crun is installed (crun refuses hybrid v1+v2 hosts), runc
 * otherwise; its version is recorded with every run. Clear reasons when
 * no runtime is installed or we lack the privileges it needs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ctrun.h"

#define CGROUP2_MAGIC 0x63677270

static int find_program(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	char *copy = strdup(path && *path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
	char *save = NULL;
	int found = 0;

	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, outlen, "%s/%s", d, name);
		found = access(out, X_OK) == 0;
	}
	free(copy);
	return found;
}

static int host_cgroup_v2(void)
{
	struct statfs fs;

	return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_MAGIC;
}

int runtime_detect(const char *want, struct ct_runtime *rt, char *err, size_t errlen)
{
	char out[512];
	char *argv[] = { rt->path, "--version", NULL };

	memset(rt, 0, sizeof(*rt));
	rt->cgroup_v2 = host_cgroup_v2();
	if (want && strcmp(want, "runc") && strcmp(want, "crun") && strcmp(want, "auto")) {
		snprintf(err, errlen, "unknown OCI runtime '%s' (runc, crun or auto)", want);
		return -1;
	}
	if (!want || !strcmp(want, "auto"))
		want = rt->cgroup_v2 && find_program("crun", out, sizeof(out)) ? "crun" : "runc";
	if (!strcmp(want, "crun") && !rt->cgroup_v2) {
		snprintf(err, errlen, "crun refuses this host's hybrid cgroups (v1 controllers "
			 "plus v2); use runc");
		return -1;
	}
	snprintf(rt->name, sizeof(rt->name), "%s", want);
	if (!find_program(want, rt->path, sizeof(rt->path))) {
		snprintf(err, errlen, "no OCI runtime: %s is not installed (make deps installs runc)",
			 want);
		return -1;
	}
	if (geteuid() != 0) {
		snprintf(err, errlen, "permission denied: %s needs root here to create cgroups "
			 "and namespaces (run as root)", want);
		return -1;
	}
	if (proc_run(argv, out, sizeof(out)) != 0) {
		snprintf(err, errlen, "%s --version failed: %.200s", rt->path, out);
		return -1;
	}
	/* "runc version 1.1.5+ds1\n..." */
	char *v = strstr(out, "version ");
	if (v) {
		v += strlen("version ");
		snprintf(rt->version, sizeof(rt->version), "%.*s", (int)strcspn(v, " \n"), v);
	} else {
		snprintf(rt->version, sizeof(rt->version), "unknown");
	}
	return 0;
}
