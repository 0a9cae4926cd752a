#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_image.h"

#define CHUNK (1u << 20)
#define MAX_IMAGES 8

static char *created[MAX_IMAGES];
static int ncreated;

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

char *disk_image_prepare(const char *run_dir, uint64_t bytes, char *why, size_t why_len)
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
	if (stat(path, &st) == 0 && (uint64_t)st.st_size == bytes && (uint64_t)st.st_blocks * 512 >= bytes)
		return path;
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
	if (ncreated < MAX_IMAGES)
		created[ncreated++] = strdup(path);
	return path;
}

int disk_image_direct_ok(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

void disk_image_cleanup(void)
{
	for (int i = 0; i < ncreated; i++) {
		unlink(created[i]);
		free(created[i]);
	}
	ncreated = 0;
}
