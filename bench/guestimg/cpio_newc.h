/*
 * A writer of cpio "newc" archives, the format the kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst):
 * each entry is a 110-byte ASCII header, the NUL-terminated name and the
 * data, both padded to 4 bytes; a "TRAILER!!!" entry ends the archive.
 * Owners are root and times zero, so the same inputs give the same bytes.
 */
#ifndef GUESTIMG_CPIO_NEWC_H
#define GUESTIMG_CPIO_NEWC_H

#include <stdio.h>
#include <sys/types.h>

struct cpio_out {
	FILE *f;
	unsigned ino;          /* next inode number */
	char err[512];
};

/* A directory, a device node or a symlink (target) named `name` (no leading /). */
int cpio_add_dir(struct cpio_out *c, const char *name);
int cpio_add_node(struct cpio_out *c, const char *name, mode_t mode, unsigned major,
		  unsigned minor);
int cpio_add_symlink(struct cpio_out *c, const char *name, const char *target);
/* The regular file at host path src (symlinks followed), as `name`, with its mode. */
int cpio_add_file(struct cpio_out *c, const char *name, const char *src);
/* A regular file (mode 0644) holding len bytes of data. */
int cpio_add_data(struct cpio_out *c, const char *name, const void *data, size_t len);
/* Every entry under the host directory root, named relative to it, parents first. */
int cpio_add_tree(struct cpio_out *c, const char *root);
/* The trailer; 0, or -1 when any write failed (c->err says which). */
int cpio_finish(struct cpio_out *c);

#endif
