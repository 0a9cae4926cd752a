#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_image.h"

#define CHUNK (1u << 20)
#define OWNER_FILE ".vmbench-owner"   /* the claim: pid inside, flock()ed while we run */

static int owner_fd = -1;
static char *owner_path;

/* The images this run has used: O_DIRECT is asked, and its absence told, once for each. */
static struct image {
	char *path;
	int direct;        /* O_DIRECT works on it (tmpfs: no) */
	int created;       /* written by this run: removed at its end */
} *images;
static int nimages;

static int write_image(int fd, uint64_t bytes)
{
	uint8_t *buf = malloc(CHUNK);

	if (!buf)
		return -1;
	for (uint64_t base = 0; base < bytes; base += CHUNK) {
		uint32_t len = bytes - base < CHUNK ? (uint32_t)(bytes - base) : CHUNK;
		memset(buf, 0xa5, len);
		for (uint32_t s = 0; s < len; s += 512) {
			uint64_t off = base + s;
			memcpy(buf + s, &off, sizeof(off));
		}
		if (pwrite(fd, buf, len, (off_t)base) != (ssize_t)len) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	return fdatasync(fd);
}

static int direct_ok(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Whether O_DIRECT works on the image at path, remembered with the image. */
static int image_direct(const char *path, int created)
{
	for (int i = 0; i < nimages; i++)
		if (!strcmp(images[i].path, path)) {
			images[i].created |= created;
			return images[i].direct;
		}
	int direct = direct_ok(path);
	if (!direct)
		fprintf(stderr, "vmbench: %s has no O_DIRECT: io cells use the page cache in every "
			"environment\n", path);
	/* Every image is kept (a suite may use any number of sizes): cleanup must see them all. */
	struct image *grown = realloc(images, (size_t)(nimages + 1) * sizeof(*images));
	char *copy = strdup(path);
	if (grown)
		images = grown;
	if (grown && copy)
		images[nimages++] = (struct image){ copy, direct, created };
	else
		free(copy);
	return direct;
}

char *disk_image_prepare(const char *run_dir, uint64_t bytes, int *direct, char *why,
			 size_t why_len)
{
	char *path = NULL;
	struct stat st;

	if (bytes < 4096 || bytes % 4096) {
		snprintf(why, why_len, "disk size %llu: want a multiple of 4 KiB", (unsigned long long)bytes);
		return NULL;
	}
	/* Absolute: containers bind it and lwvmm opens it from wherever they start. */
	char *dir = realpath(run_dir, NULL);
	int n = dir ? asprintf(&path, "%s/disk-%llu.img", dir, (unsigned long long)bytes) : -1;
	free(dir);
	if (n < 0) {
		snprintf(why, why_len, "run directory %s: %s", run_dir, strerror(errno));
		return NULL;
	}
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == bytes && (uint64_t)st.st_blocks * 512 >= bytes) {
		*direct = image_direct(path, 0);
		return path;
	}
	fprintf(stderr, "vmbench: writing the %llu MiB disk image %s\n",
		(unsigned long long)(bytes >> 20), path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_image(fd, bytes) < 0) {
		snprintf(why, why_len, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(path);
		free(path);
		return NULL;
	}
	close(fd);
	*direct = image_direct(path, 1);
	return path;
}

int disk_image_claim(const char *run_dir, char *why, size_t why_len)
{
	char *tmp = NULL, *path = NULL;
	int fd;

	/* Locked under a name of its own, then renamed: a sweep never sees it unlocked. */
	if (asprintf(&tmp, "%s/" OWNER_FILE ".%d", run_dir, (int)getpid()) < 0 ||
	    asprintf(&path, "%s/" OWNER_FILE, run_dir) < 0) {
		snprintf(why, why_len, "out of memory");
		free(tmp);
		return -1;
	}
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || dprintf(fd, "%d\n", (int)getpid()) < 0 ||
	    rename(tmp, path) < 0) {
		snprintf(why, why_len, "cannot claim %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(tmp);
		free(path);
		return -1;
	}
	free(tmp);
	owner_fd = fd;
	owner_path = path;
	return 0;
}

/* Remove dir/disk-*.img; how many. */
static int remove_images(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "disk-", 5) || len < 9 || strcmp(e->d_name + len - 4, ".img"))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0) {
			fprintf(stderr, "vmbench: removed %s/%s of a vmbench that is gone\n", dir,
				e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

int disk_image_sweep_dir(const char *dir)
{
	char *path;
	int fd, n = 0;

	if (asprintf(&path, "%s/" OWNER_FILE, dir) < 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* the lock is free: its vmbench is dead (ours holds its own, so it is never swept) */
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) {
		n = remove_images(dir);
		unlink(path);
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return n;
}

int disk_image_sweep_children(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *dir;
		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		if (asprintf(&dir, "%s/%s", parent, e->d_name) < 0)
			break;
		n += disk_image_sweep_dir(dir);
		free(dir);
	}
	closedir(d);
	return n;
}

void disk_image_cleanup(void)
{
	for (int i = 0; i < nimages; i++) {
		if (images[i].created)
			unlink(images[i].path);
		free(images[i].path);
	}
	free(images);
	images = NULL;
	nimages = 0;
	if (owner_path)
		unlink(owner_path);
	if (owner_fd >= 0)
		close(owner_fd);
	free(owner_path);
	owner_path = NULL;
	owner_fd = -1;
}
