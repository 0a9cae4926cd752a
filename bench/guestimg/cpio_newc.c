/* The cpio newc writer (cpio_newc.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cpio_newc.h"

static int fail(struct cpio_out *c, const char *what, const char *name)
{
	if (!c->err[0])
		snprintf(c->err, sizeof(c->err), "%s %s: %s", what, name, strerror(errno));
	return -1;
}

static void pad(struct cpio_out *c, unsigned long len)
{
	static const char zero[4];

	fwrite(zero, 1, (4 - len % 4) % 4, c->f);
}

static int header(struct cpio_out *c, const char *name, mode_t mode, unsigned long size,
		  unsigned major, unsigned minor)
{
	unsigned long namesize = strlen(name) + 1;

	/* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
	 * rdevmajor, rdevminor, namesize, check */
	fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08lX%08X",
		c->ino++, (unsigned)mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u,
		major, minor, namesize, 0u);
	fwrite(name, 1, namesize, c->f);
	pad(c, 110 + namesize);
	return ferror(c->f) ? fail(c, "writing", name) : 0;
}

int cpio_add_dir(struct cpio_out *c, const char *name)
{
	return header(c, name, S_IFDIR | 0755, 0, 0, 0);
}

int cpio_add_node(struct cpio_out *c, const char *name, mode_t mode, unsigned major,
		  unsigned minor)
{
	return header(c, name, mode, 0, major, minor);
}

int cpio_add_symlink(struct cpio_out *c, const char *name, const char *target)
{
	unsigned long len = strlen(target);

	if (header(c, name, S_IFLNK | 0777, len, 0, 0) < 0)
		return -1;
	fwrite(target, 1, len, c->f);
	pad(c, len);
	return ferror(c->f) ? fail(c, "writing", name) : 0;
}

int cpio_add_data(struct cpio_out *c, const char *name, const void *data, size_t len)
{
	if (header(c, name, S_IFREG | 0644, len, 0, 0) < 0)
		return -1;
	fwrite(data, 1, len, c->f);
	pad(c, len);
	return ferror(c->f) ? fail(c, "writing", name) : 0;
}

int cpio_add_file(struct cpio_out *c, const char *name, const char *src)
{
	char buf[65536];
	struct stat st;
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	off_t done = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fail(c, "reading", src);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (header(c, name, S_IFREG | (st.st_mode & 07777), (unsigned long)st.st_size, 0, 0) < 0)
		goto out;
	while (done < st.st_size) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			errno = n < 0 ? errno : EIO;   /* the file shrank while we read it */
			fail(c, "reading", src);
			goto out;
		}
		fwrite(buf, 1, (size_t)n, c->f);
		done += n;
	}
	pad(c, (unsigned long)st.st_size);
out:
	close(fd);
	return done == st.st_size && !ferror(c->f) ? 0 : fail(c, "writing", name);
}

/* nftw() passes no user pointer: the tree being added, one at a time. */
static struct cpio_out *tree_out;
static size_t tree_root_len;

static int tree_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + tree_root_len + 1;
	char target[PATH_MAX];
	ssize_t len;

	(void)ftw;
	if (strlen(path) <= tree_root_len)
		return 0;   /* the root itself: the archive's "." */
	switch (flag) {
	case FTW_D:
		return cpio_add_dir(tree_out, name);
	case FTW_SL:
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			return fail(tree_out, "readlink", path);
		target[len] = '\0';
		return cpio_add_symlink(tree_out, name, target);
	case FTW_F:
		if (S_ISREG(st->st_mode))
			return cpio_add_file(tree_out, name, path);
		return cpio_add_node(tree_out, name, st->st_mode, major(st->st_rdev),
				     minor(st->st_rdev));
	default:
		errno = EACCES;
		return fail(tree_out, "cannot read", path);
	}
}

int cpio_add_tree(struct cpio_out *c, const char *root)
{
	int rc;

	tree_out = c;
	tree_root_len = strlen(root);
	rc = nftw(root, tree_entry, 16, FTW_PHYS);
	tree_out = NULL;
	return rc == 0 ? 0 : (c->err[0] ? -1 : fail(c, "walking", root));
}

int cpio_finish(struct cpio_out *c)
{
	if (header(c, "TRAILER!!!", 0, 0, 0, 0) < 0)
		return -1;
	if (fflush(c->f) != 0 || ferror(c->f))
		return fail(c, "writing", "the archive");
	return 0;
}
