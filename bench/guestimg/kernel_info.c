/* A kernel's release and initramfs compression (kernel_info.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel_info.h"

int kernel_release(const char *bzimage, char *rel, size_t rellen, char *err, size_t errlen)
{
	unsigned char hdr[0x210];
	char version[256];
	int fd = open(bzimage, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", bzimage, strerror(errno));
		return -1;
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n != (ssize_t)sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4)) {
		snprintf(err, errlen, "%s is not a bzImage (no \"HdrS\" boot header)", bzimage);
		close(fd);
		return -1;
	}
	unsigned ptr = hdr[0x20e] | (unsigned)hdr[0x20f] << 8;
	n = ptr ? pread(fd, version, sizeof(version) - 1, (off_t)ptr + 0x200) : -1;
	close(fd);
	if (n <= 0) {
		snprintf(err, errlen, "%s has no kernel version string in its header", bzimage);
		return -1;
	}
	version[n] = '\0';
	version[strcspn(version, " ")] = '\0';   /* "6.1.0-57-cloud-amd64 (debian-kernel@...) #1 ..." */
	if (!version[0]) {
		snprintf(err, errlen, "%s has an empty kernel version string", bzimage);
		return -1;
	}
	snprintf(rel, rellen, "%s", version);
	return 0;
}

static int config_says_gzip(const char *path)
{
	char line[256];
	int found = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	found = 0;
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "CONFIG_RD_GZIP=y\n"))
			found = 1;
	fclose(f);
	return found;
}

int kernel_takes_gzip(const char *moddir, const char *rel)
{
	char path[4096];
	int r;

	/* an unpacked package: ROOT/lib/modules/REL beside ROOT/boot/config-REL */
	snprintf(path, sizeof(path), "%s/../../../boot/config-%s", moddir, rel);
	r = config_says_gzip(path);
	if (r < 0) {
		snprintf(path, sizeof(path), "/boot/config-%s", rel);
		r = config_says_gzip(path);
	}
	return r > 0;
}
