/*
 * The container's root file system: the benchmark programs (workload,
 * vmbench-tool, busybox, fio, iperf3, stress-ng) and exactly the shared
 * libraries ldd resolves for them, at the same paths as on the host; no
 * distribution image. It is built once into CACHE/rootfs-HASH, where HASH
 * covers every program and library file (path, inode, size, mtime), and is
 * mounted read-only by every run, so repeated runs never rebuild it.
 * /etc/ctrun-manifest lists what went in. A build goes to rootfs-HASH.tmp-PID
 * first and is renamed; rootfs_sweep() (every run, `ctrun gc`) removes
 * the .tmp-PID of builds whose ctrun is gone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctrun.h"

#define ROOTFS_FORMAT 1   /* bump when the layout below changes */

static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;

	copy = strdup(path && *path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char full[PATH_MAX];
		snprintf(full, sizeof(full), "%s/%s", d, name);
		if (access(full, X_OK) == 0)
			found = strdup(full);
	}
	free(copy);
	return found;
}

int rootfs_programs(const char *tool_dir, struct rootfs_prog *progs, int max,
		    char *err, size_t errlen)
{
	static const char *const own[] = { "workload", "ctstamp", "vmbench-tool" };
	static const char *const host[] = { "busybox", "fio", "iperf3", "stress-ng" };
	int n = 0;

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && n < max; i++) {
		char *p;
		if (asprintf(&p, "%s/%s", tool_dir, own[i]) < 0)
			return -1;
		if (access(p, X_OK) < 0 && !strcmp(own[i], "vmbench-tool")) {
			free(p); /* optional: only the standard-tools suite needs it */
			continue;
		}
		if (access(p, X_OK) < 0) {
			snprintf(err, errlen, "%s: %s (run make)", p, strerror(errno));
			free(p);
			return -1;
		}
		progs[n++] = (struct rootfs_prog){ .path = p, .name = own[i] };
	}
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]) && n < max; i++) {
		char *p = find_in_path(host[i]);
		if (!p) {
			snprintf(err, errlen, "%s is not installed (make deps installs it)", host[i]);
			return -1;
		}
		progs[n++] = (struct rootfs_prog){ .path = p, .name = host[i] };
	}
	return n;
}

int rootfs_libraries(const char *binary, char ***libs, char *err, size_t errlen)
{
	char *argv[] = { "ldd", (char *)binary, NULL };
	char out[16384];
	int rc = proc_run(argv, out, sizeof(out)), n = 0;

	*libs = NULL;
	if (strstr(out, "not a dynamic executable") || strstr(out, "statically linked"))
		return 0;
	if (rc != 0) {
		snprintf(err, errlen, "ldd %s failed: %.200s", binary, out);
		return -1;
	}
	for (char *line = out, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		char *arrow = strstr(line, "=> ");
		char *path = arrow ? arrow + 3 : line + strspn(line, " \t");
		if (arrow && !strncmp(path, "not found", 9)) {
			snprintf(err, errlen, "%s needs %.*s, which is not found", binary,
				 (int)(arrow - line), line);
			goto fail;
		}
		if (*path != '/')
			continue; /* linux-vdso.so.1 */
		path[strcspn(path, " \t(")] = '\0';
		char **grown = realloc(*libs, sizeof(char *) * (size_t)(n + 2));
		if (!grown)
			goto fail;
		*libs = grown;
		(*libs)[n++] = strdup(path);
		(*libs)[n] = NULL;
	}
	return n;
fail:
	for (int i = 0; i < n; i++)
		free((*libs)[i]);
	free(*libs);
	*libs = NULL;
	return -1;
}

static void free_list(char **list)
{
	for (int i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

uint64_t rootfs_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t rootfs_hash_file(uint64_t h, const char *path)
{
	struct stat st;

	h = rootfs_hash(h, path, strlen(path) + 1);
	if (stat(path, &st) == 0) {
		h = rootfs_hash(h, &st.st_ino, sizeof(st.st_ino));
		h = rootfs_hash(h, &st.st_size, sizeof(st.st_size));
		h = rootfs_hash(h, &st.st_mtim, sizeof(st.st_mtim));
	}
	return h;
}

static int mkdirs(const char *dir)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* Copy src's contents (following links) to root + dest, mode 0755. */
static int copy_into(const char *root, const char *dest, const char *src,
		     char *err, size_t errlen)
{
	char to[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	int in, out = -1, rc = -1;

	snprintf(to, sizeof(to), "%s%s", root, dest);
	snprintf(dir, sizeof(dir), "%s", to);
	*strrchr(dir, '/') = '\0';
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0 || mkdirs(dir) < 0)
		goto out;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0)
		goto out;
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(st.st_size - done));
		if (n <= 0)
			goto out;
		done += n;
	}
	rc = 0;
out:
	if (rc < 0)
		snprintf(err, errlen, "copying %s to %s: %s", src, to, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static int write_text(const char *root, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int add_busybox_applets(const char *root, const char *busybox)
{
	char *argv[] = { (char *)busybox, "--list", NULL };
	static char list[16384];

	if (proc_run(argv, list, sizeof(list)) != 0)
		return -1;
	for (char *a = strtok(list, "\n"); a; a = strtok(NULL, "\n")) {
		char link[PATH_MAX];
		snprintf(link, sizeof(link), "%s/bin/%s", root, a);
		if (symlink("busybox", link) < 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

static int build(const char *root, const struct rootfs_prog *progs, int n,
		 char **const *libs, char *err, size_t errlen)
{
	static const char *const dirs[] = { "bin", "dev", "proc", "sys", "tmp", "etc",
					    "scratch", "run" };
	char path[PATH_MAX];
	FILE *manifest;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdirs(path) < 0) {
			snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/etc/ctrun-manifest", root);
	manifest = fopen(path, "w");
	if (!manifest) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char dest[PATH_MAX];
		snprintf(dest, sizeof(dest), "/bin/%s", progs[i].name);
		if (copy_into(root, dest, progs[i].path, err, errlen) < 0)
			goto fail;
		fprintf(manifest, "program %s %s\n", dest, progs[i].path);
		for (int l = 0; libs[i] && libs[i][l]; l++) {
			snprintf(dest, sizeof(dest), "%s%s", root, libs[i][l]);
			if (access(dest, F_OK) == 0)
				continue;
			if (copy_into(root, libs[i][l], libs[i][l], err, errlen) < 0)
				goto fail;
			fprintf(manifest, "library %s\n", libs[i][l]);
		}
		if (!strcmp(progs[i].name, "busybox") && add_busybox_applets(root, progs[i].path) < 0) {
			snprintf(err, errlen, "cannot list busybox applets of %s", progs[i].path);
			goto fail;
		}
	}
	fclose(manifest);
	if (write_text(root, "etc/passwd", "root:x:0:0:root:/:/bin/sh\n") < 0 ||
	    write_text(root, "etc/group", "root:x:0:\n") < 0 ||
	    write_text(root, "etc/hosts", "127.0.0.1 localhost\n") < 0) {
		snprintf(err, errlen, "writing %s/etc: %s", root, strerror(errno));
		return -1;
	}
	return 0;
fail:
	fclose(manifest);
	return -1;
}

/*
 * Root file systems of older builds (a rebuilt workload makes a new one) go
 * once they are an hour old; a run still using one would have timed out.
 */
static void prune_old(const char *cache_dir, const char *keep)
{
	DIR *d = opendir(cache_dir);
	struct dirent *e;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (strncmp(e->d_name, "rootfs-", 7))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cache_dir, e->d_name);
		if (strcmp(path, keep) && stat(path, &st) == 0 && now - st.st_mtime > 3600)
			rmtree(path);
	}
	closedir(d);
}

int rootfs_sweep(const char *cache_dir)
{
	DIR *d = opendir(cache_dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[PATH_MAX], *tmp = strstr(e->d_name, ".tmp-"), *end;
		long pid;

		if (strncmp(e->d_name, "rootfs-", 7) || !tmp)
			continue;
		pid = strtol(tmp + 5, &end, 10);
		if (*end || pid <= 0 || !(kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cache_dir, e->d_name);
		if (rmtree(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

char *rootfs_get(const char *cache_dir, const struct rootfs_prog *progs, int n,
		 int *cached, char *err, size_t errlen)
{
	char **libs[n];
	char *final = NULL, *tmp = NULL;
	uint64_t h = 0xcbf29ce484222325ULL;
	int format = ROOTFS_FORMAT;

	h = rootfs_hash(h, &format, sizeof(format));
	for (int i = 0; i < n; i++)
		libs[i] = NULL;
	for (int i = 0; i < n; i++) {
		if (rootfs_libraries(progs[i].path, &libs[i], err, errlen) < 0)
			goto out;
		h = rootfs_hash(h, progs[i].name, strlen(progs[i].name) + 1);
		h = rootfs_hash_file(h, progs[i].path);
		for (int l = 0; libs[i] && libs[i][l]; l++)
			h = rootfs_hash_file(h, libs[i][l]);
	}
	if (mkdirs(cache_dir) < 0) {
		snprintf(err, errlen, "cannot create cache directory %s: %s", cache_dir,
			 strerror(errno));
		goto out;
	}
	if (asprintf(&final, "%s/rootfs-%016llx", cache_dir, (unsigned long long)h) < 0) {
		final = NULL;
		goto out;
	}
	rootfs_sweep(cache_dir);
	*cached = access(final, F_OK) == 0;
	if (*cached)
		goto out;
	if (asprintf(&tmp, "%s.tmp-%d", final, (int)getpid()) < 0) {
		tmp = NULL;
		goto fail;
	}
	rmtree(tmp);
	if (build(tmp, progs, n, libs, err, errlen) < 0)
		goto fail;
	if (rename(tmp, final) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
		snprintf(err, errlen, "rename %s: %s", tmp, strerror(errno));
		goto fail;
	}
	rmtree(tmp); /* only left when another run won the race */
	prune_old(cache_dir, final);
	goto out;
fail:
	if (tmp)
		rmtree(tmp);
	free(final);
	final = NULL;
out:
	free(tmp);
	for (int i = 0; i < n; i++)
		free_list(libs[i]);
	return final;
}
