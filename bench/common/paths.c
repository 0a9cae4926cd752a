/*
 * vmbench looks for everything next to itself, never in $PATH, so that a
 * checkout's build/bin/vmbench always runs that checkout's workloads and
 * monitor. VMBENCH_BIN_DIR points it at other programs (used in development
 * before lwvmm existed, and by tests).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

static char exe_dir[PATH_MAX];
static char source_dir[PATH_MAX];

static const char *own_dir(void)
{
	if (!exe_dir[0]) {
		ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);
		if (n <= 0) {
			strcpy(exe_dir, ".");
		} else {
			exe_dir[n] = '\0';
			char *slash = strrchr(exe_dir, '/');
			if (slash)
				*slash = '\0';
		}
	}
	return exe_dir;
}

const char *paths_tool_dir(void)
{
	const char *dir = getenv("VMBENCH_BIN_DIR");

	return dir && *dir ? dir : own_dir();
}

const char *paths_source_dir(void)
{
	if (!source_dir[0]) {
		char joined[PATH_MAX + 8];
		snprintf(joined, sizeof(joined), "%s/../..", own_dir());
		if (!realpath(joined, source_dir))
			snprintf(source_dir, sizeof(source_dir), "%.*s",
				 (int)sizeof(source_dir) - 1, joined);
	}
	return source_dir;
}

char *paths_data(const char *name)
{
	char installed[PATH_MAX + 64];
	struct stat st;

	snprintf(installed, sizeof(installed), "%s/../share/vmbench/%s", own_dir(), name);
	if (stat(installed, &st) == 0)
		return strdup(installed);
	return paths_join(paths_source_dir(), !strcmp(name, "suites") ? "bench/suites" :
			  !strcmp(name, "references.json") ? "reports/references.json" : name);
}

char *paths_join(const char *a, const char *b)
{
	size_t len = strlen(a) + strlen(b) + 2;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s/%s", a, b);
	return s;
}

static int looks_like_path(const char *name)
{
	size_t len = strlen(name);

	return strchr(name, '/') || (len > 5 && !strcmp(name + len - 5, ".json"));
}

/* "quick, smoke": the suites in bench/suites/, for error messages. */
static void known_suites(char *buf, size_t len)
{
	char *dir = paths_data("suites");
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	size_t used = 0;

	buf[0] = '\0';
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json") && used + n < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%.*s",
						 used ? ", " : "", (int)n - 5, e->d_name);
	}
	if (d)
		closedir(d);
	free(dir);
}

char *paths_find_suite(const char *name, char *err, size_t errlen)
{
	char *path;

	if (!*name) {
		snprintf(err, errlen, "empty suite name");
		return NULL;
	}
	if (looks_like_path(name)) {
		path = strdup(name);
	} else {
		char file[PATH_MAX], *dir = paths_data("suites");
		snprintf(file, sizeof(file), "%s.json", name);
		path = dir ? paths_join(dir, file) : NULL;
		free(dir);
	}
	if (path && access(path, R_OK) < 0) {
		char known[256];
		int e = errno;
		known_suites(known, sizeof(known));
		snprintf(err, errlen, "unknown suite '%s': cannot read %s (%s); known suites: %s",
			 name, path, strerror(e), known[0] ? known : "none");
		free(path);
		return NULL;
	}
	return path;
}

int paths_mkdirs(const char *dir)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}
