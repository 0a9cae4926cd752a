/*
 * guestimg: the initramfs of a Linux guest for a given kernel.
 *   guestimg --kernel BZIMAGE [--modules DIR] [--command FILE] [--cache DIR]
 *            [--compress gzip|none]
 * prints the path of an initramfs (cpio newc, gzip'ed when the kernel's
 * config says it unpacks gzip) that holds
 *   - the container root file system of ctrun (baselines/containers/
 *     rootfs.c, the same code, cached in CACHE/rootfs-HASH): workload,
 *     ctstamp, vmbench-tool, busybox, fio, iperf3, stress-ng under /bin (or
 *     busybox and the ones --programs names) and exactly the libraries ldd
 *     resolves;
 *   - /init, guest-init (guest_init.c): runs the command after "--" on the
 *     kernel command line (or FILE, copied to /etc/guest-command), then
 *     writes its exit status to lwvmm's exit port and reboots;
 *   - the modules virtio_pci, virtio_blk, virtio_net and virtio_console need
 *     for that kernel, with their dependencies from modules.dep (none when
 *     built in), listed in load order in /etc/guest-modules.
 * Images are cached in CACHE/initrd-RELEASE-HASH.cpio[.gz] (CACHE:
 * --cache, $GUESTIMG_CACHE, or build/guest-images beside build/bin), HASH
 * covering every input, so a second call for the same inputs builds nothing.
 * Exit: 0; 64 usage (also a kernel file that is missing or no bzImage); 69
 * this host lacks an input (modules directory, module, program); 70 the
 * image could not be written.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpio_newc.h"
#include "ctrun.h"
#include "kernel_info.h"
#include "kmod_deps.h"

#define IMAGE_FORMAT 1   /* bump when the image's layout changes */
#define MAX_PROGS 16

static const char *const guest_modules[] = { "virtio_pci", "virtio_blk", "virtio_net",
					     "virtio_console", NULL };

struct opts {
	const char *kernel, *modules, *command, *cache;
	const char *programs;   /* comma-separated, or NULL for all */
	int compress;   /* -1: as the kernel's config says */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: guestimg --kernel BZIMAGE [--modules DIR] [--command FILE] [--cache DIR]\n"
		   "                [--compress gzip|none] [--programs NAME,...]\n"
		   "Prints the path of a cached initramfs for that kernel (bench/guestimg/README.md).\n");
}

static int die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("guestimg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "modules", required_argument, NULL, 'm' },
		{ "command", required_argument, NULL, 'c' },
		{ "cache", required_argument, NULL, 'C' },
		{ "compress", required_argument, NULL, 'z' },
		{ "programs", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int c;

	*o = (struct opts){ .compress = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'm': o->modules = optarg; break;
		case 'c': o->command = optarg; break;
		case 'C': o->cache = optarg; break;
		case 'p': o->programs = optarg; break;
		case 'z':
			if (strcmp(optarg, "gzip") && strcmp(optarg, "none"))
				return die(64, "--compress takes gzip or none, not \"%s\"", optarg);
			o->compress = !strcmp(optarg, "gzip");
			break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("guestimg %s\n", BUILD_VERSION); exit(0);
		default:
			return die(64, "unknown option or missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return die(64, "unexpected argument \"%s\"", argv[optind]);
	if (!o->kernel)
		return die(64, "--kernel BZIMAGE is required");
	return 0;
}

/* 1 when name is in the comma-separated list. */
static int listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (strcspn(p, ",") == len && !strncmp(p, name, len))
			return 1;
	}
	return 0;
}

/*
 * Keeps the programs --programs names, and busybox (the image's shell and
 * tools) always; 64 for a name that is not one of them.
 */
static int select_programs(const char *list, struct rootfs_prog *progs, int *n)
{
	int kept = 0;

	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		int known = 0;
		for (int i = 0; i < *n; i++)
			known |= strcspn(p, ",") == strlen(progs[i].name) &&
				 !strncmp(p, progs[i].name, strlen(progs[i].name));
		if (!known)
			return die(64, "--programs: no program \"%.*s\" (workload, ctstamp, "
				   "vmbench-tool, busybox, fio, iperf3, stress-ng)", (int)strcspn(p, ","), p);
	}
	for (int i = 0; i < *n; i++) {
		if (listed(list, progs[i].name) || !strcmp(progs[i].name, "busybox"))
			progs[kept++] = progs[i];
		else
			free((char *)progs[i].path);
	}
	*n = kept;
	return 0;
}

/* The directory entries a module path needs that the root file system lacks. */
static int add_parents(struct cpio_out *c, const char *rootfs, const char *path,
		       char ***added, int *nadded)
{
	char dir[PATH_MAX];

	for (const char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		char host[2 * PATH_MAX];
		int seen = 0;

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		snprintf(host, sizeof(host), "%s/%s", rootfs, dir);
		for (int i = 0; i < *nadded && !seen; i++)
			seen = !strcmp((*added)[i], dir);
		if (seen || access(host, F_OK) == 0)
			continue;
		if (cpio_add_dir(c, dir) < 0)
			return -1;
		char **grown = realloc(*added, sizeof(char *) * (size_t)(*nadded + 1));
		if (!grown)
			return -1;
		*added = grown;
		(*added)[(*nadded)++] = strdup(dir);
	}
	return 0;
}

static int write_image(const char *path, const char *rootfs, const char *init,
		       const char *moddir, const char *rel, char **mods, const char *command,
		       char *err, size_t errlen)
{
	struct cpio_out c = { .ino = 1 };
	char **added = NULL, *list = NULL;
	size_t listlen = 0;
	int nadded = 0, rc = -1;
	FILE *mem = open_memstream(&list, &listlen);

	c.f = fopen(path, "w");
	if (!c.f || !mem) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (cpio_add_tree(&c, rootfs) < 0 || cpio_add_file(&c, "init", init) < 0 ||
	    cpio_add_node(&c, "dev/console", S_IFCHR | 0600, 5, 1) < 0)
		goto fail;
	for (int i = 0; mods[i]; i++) {
		char name[PATH_MAX + 300], src[2 * PATH_MAX];
		snprintf(name, sizeof(name), "lib/modules/%s/%s", rel, mods[i]);
		snprintf(src, sizeof(src), "%s/%s", moddir, mods[i]);
		if (add_parents(&c, rootfs, name, &added, &nadded) < 0 ||
		    cpio_add_file(&c, name, src) < 0)
			goto fail;
		fprintf(mem, "/%s\n", name);
	}
	fclose(mem);
	mem = NULL;
	if ((mods[0] && cpio_add_data(&c, "etc/guest-modules", list, listlen) < 0) ||
	    (command && cpio_add_file(&c, "etc/guest-command", command) < 0) ||
	    cpio_finish(&c) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s", c.err[0] ? c.err : "writing the image failed");
out:
	if (c.f && fclose(c.f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (mem)
		fclose(mem);
	free(list);
	for (int i = 0; i < nadded; i++)
		free(added[i]);
	free(added);
	return rc;
}

/* Unfinished images of guestimgs that are gone, and images older than an hour. */
static void sweep_cache(const char *cache, const char *keep)
{
	DIR *d = opendir(cache);
	struct dirent *e;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX], *tmp = strstr(e->d_name, ".tmp-");
		struct stat st;

		if (strncmp(e->d_name, "initrd-", 7))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cache, e->d_name);
		if (tmp) {
			long pid = strtol(tmp + 5, NULL, 10);
			if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
				unlink(path);
		} else if (strcmp(path, keep) && stat(path, &st) == 0 && now - st.st_mtime > 3600) {
			unlink(path);
		}
	}
	closedir(d);
}

static int gzip_file(const char *path, char *err, size_t errlen)
{
	char *argv[] = { "gzip", "-n", "-f", (char *)path, NULL };
	char out[1024];

	if (proc_run(argv, out, sizeof(out)) != 0) {
		snprintf(err, errlen, "gzip %s failed: %.300s", path, out);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct rootfs_prog progs[MAX_PROGS];
	char rel[256], err[1024] = "", exe[PATH_MAX], moddir_buf[PATH_MAX], init[PATH_MAX];
	char *tool_dir, *rootfs = NULL, *cache, *final = NULL, *tmp = NULL, **mods = NULL;
	const char *moddir;
	int nprogs, cached, gz, rc;
	ssize_t len;

	if ((rc = parse(argc, argv, &o)) != 0)
		return rc;
	if (kernel_release(o.kernel, rel, sizeof(rel), err, sizeof(err)) < 0)
		return die(64, "--kernel: %s", err);
	if (o.command && access(o.command, R_OK) < 0)
		return die(64, "--command %s: %s", o.command, strerror(errno));
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return die(70, "/proc/self/exe: %s", strerror(errno));
	exe[len] = '\0';
	tool_dir = dirname(exe);
	snprintf(init, sizeof(init), "%s/guest-init", tool_dir);
	if (access(init, R_OK) < 0)
		return die(69, "%s: %s (run make)", init, strerror(errno));

	snprintf(moddir_buf, sizeof(moddir_buf), "/lib/modules/%s", rel);
	moddir = o.modules ? o.modules : moddir_buf;
	struct stat st;
	if (stat(moddir, &st) < 0 || !S_ISDIR(st.st_mode))
		return die(69, "no modules directory %s for kernel %s%s", moddir, rel,
			   o.modules ? "" : " (give its /lib/modules/RELEASE with --modules)");
	if (kmods_resolve(moddir, guest_modules, &mods, err, sizeof(err)) < 0)
		return die(69, "kernel %s: %s", rel, err);
	gz = o.compress >= 0 ? o.compress : kernel_takes_gzip(moddir, rel);

	nprogs = rootfs_programs(tool_dir, progs, MAX_PROGS, err, sizeof(err));
	if (nprogs < 0) {
		kmods_free(mods);
		return die(69, "%s", err);
	}
	if (o.programs && (rc = select_programs(o.programs, progs, &nprogs)) != 0) {
		kmods_free(mods);
		return rc;
	}
	const char *cache_env = getenv("GUESTIMG_CACHE");
	if (o.cache)
		cache = strdup(o.cache);
	else if (cache_env && *cache_env)
		cache = strdup(cache_env);
	else if (asprintf(&cache, "%s/../guest-images", tool_dir) < 0)
		cache = NULL;
	/*
	 * The root file system is ctrun's (rootfs_get(): built once per set of
	 * programs and libraries), kept in our cache rather than ctrun's, whose
	 * pruning of older root file systems would take one of ours for its own.
	 */
	rootfs = cache ? rootfs_get(cache, progs, nprogs, &cached, err, sizeof(err)) : NULL;
	for (int i = 0; i < nprogs; i++)
		free((char *)progs[i].path);
	if (!rootfs) {
		kmods_free(mods);
		free(cache);
		return die(70, "the root file system: %s", err);
	}

	uint64_t h = 0xcbf29ce484222325ULL;
	int format = IMAGE_FORMAT;
	h = rootfs_hash(h, &format, sizeof(format));
	h = rootfs_hash(h, rootfs, strlen(rootfs) + 1);   /* its name is the hash of its contents */
	h = rootfs_hash_file(h, init);
	h = rootfs_hash(h, &gz, sizeof(gz));
	for (int i = 0; mods[i]; i++) {
		char src[2 * PATH_MAX];
		snprintf(src, sizeof(src), "%s/%s", moddir, mods[i]);
		h = rootfs_hash_file(h, src);
	}
	if (o.command)
		h = rootfs_hash_file(h, o.command);

	rc = 70;
	char *canon = realpath(cache, NULL);   /* build/bin/../guest-images -> build/guest-images */
	if (canon) {
		free(cache);
		cache = canon;
	}
	if (asprintf(&final, "%s/initrd-%s-%016llx.cpio%s", cache, rel, (unsigned long long)h,
		     gz ? ".gz" : "") < 0 ||
	    asprintf(&tmp, "%s/initrd-%s-%016llx.cpio.tmp-%d", cache, rel, (unsigned long long)h,
		     (int)getpid()) < 0) {
		final = tmp = NULL;
		goto out;
	}
	sweep_cache(cache, final);
	if (access(final, R_OK) != 0) {
		char *built = tmp, *gzname = NULL;
		if (write_image(tmp, rootfs, init, moddir, rel, mods, o.command, err,
				sizeof(err)) < 0) {
			unlink(tmp);
			die(70, "%s", err);
			goto out;
		}
		if (gz) {
			if (gzip_file(tmp, err, sizeof(err)) < 0 || asprintf(&gzname, "%s.gz", tmp) < 0) {
				unlink(tmp);
				die(70, "%s", err);
				goto out;
			}
			built = gzname;
		}
		if (rename(built, final) < 0) {
			die(70, "rename %s: %s", built, strerror(errno));
			unlink(built);
			free(gzname);
			goto out;
		}
		free(gzname);
	}
	printf("%s\n", final);
	rc = 0;
out:
	free(tmp);
	free(final);
	free(cache);
	free(rootfs);
	kmods_free(mods);
	return rc;
}
