/* bench/guestimg: module dependencies from modules.dep, the cpio newc writer. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpio_newc.h"
#include "kmod_deps.h"

static char dir[] = "/tmp/test_guestimg-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	write_file("modules.dep",
		   "kernel/a/virtio_ring.ko:\n"
		   "kernel/a/virtio.ko: kernel/a/virtio_ring.ko\n"
		   "kernel/a/virtio_pci.ko: kernel/a/virtio.ko kernel/a/virtio_ring.ko\n"
		   "kernel/b/virtio-net.ko: kernel/a/virtio.ko\n"
		   "kernel/c/loop_a.ko: kernel/c/loop_b.ko\n"
		   "kernel/c/loop_b.ko: kernel/c/loop_a.ko\n"
		   "kernel/c/broken.ko: kernel/c/nowhere.ko\n");
	write_file("modules.builtin", "kernel/drivers/block/virtio_blk.ko\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_load_order(void **state)
{
	const char *names[] = { "virtio_pci", "virtio_blk", "virtio_net", NULL };
	char **paths, err[256] = "";

	(void)state;
	assert_int_equal(kmods_resolve(dir, names, &paths, err, sizeof(err)), 4);
	assert_string_equal(paths[0], "kernel/a/virtio_ring.ko");
	assert_string_equal(paths[1], "kernel/a/virtio.ko");
	assert_string_equal(paths[2], "kernel/a/virtio_pci.ko");
	assert_string_equal(paths[3], "kernel/b/virtio-net.ko");   /* '_' matches '-' */
	assert_null(paths[4]);
	kmods_free(paths);
}

static void test_builtin_only(void **state)
{
	const char *names[] = { "virtio-blk", NULL };
	char **paths, err[256] = "";

	(void)state;
	assert_int_equal(kmods_resolve(dir, names, &paths, err, sizeof(err)), 0);
	assert_non_null(paths);
	assert_null(paths[0]);
	kmods_free(paths);
}

static void test_errors(void **state)
{
	const char *missing[] = { "virtio_console", NULL };
	const char *broken[] = { "broken", NULL };
	const char *loop[] = { "loop_a", NULL };
	char **paths, err[512] = "";

	(void)state;
	assert_int_equal(kmods_resolve(dir, missing, &paths, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "has no module virtio_console"));
	assert_null(paths);
	assert_int_equal(kmods_resolve(dir, broken, &paths, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs kernel/c/nowhere.ko"));
	assert_int_equal(kmods_resolve("/nonexistent", missing, &paths, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "modules.dep"));
	/* a cycle ends: each module goes in once */
	assert_int_equal(kmods_resolve(dir, loop, &paths, err, sizeof(err)), 2);
	kmods_free(paths);
}

/* The entries of a newc archive: name and size each, checked for alignment. */
static int read_entries(const char *buf, size_t len, char names[][64], unsigned long *sizes, int max)
{
	size_t off = 0;
	int n = 0;

	while (off + 110 <= len && n < max) {
		char field[9] = "";
		assert_memory_equal(buf + off, "070701", 6);
		memcpy(field, buf + off + 6 + 6 * 8, 8);
		sizes[n] = strtoul(field, NULL, 16);
		memcpy(field, buf + off + 6 + 11 * 8, 8);
		unsigned long namesize = strtoul(field, NULL, 16);
		snprintf(names[n], 64, "%s", buf + off + 110);
		assert_int_equal(strlen(names[n]) + 1, namesize);
		off += (110 + namesize + 3) & ~3UL;
		off += (sizes[n] + 3) & ~3UL;
		if (!strcmp(names[n++], "TRAILER!!!"))
			break;
	}
	assert_int_equal(off, len);   /* nothing after the trailer, all padded */
	return n;
}

static void test_cpio(void **state)
{
	char *buf = NULL, names[8][64];
	unsigned long sizes[8];
	size_t len = 0;
	struct cpio_out c = { .ino = 1 };

	(void)state;
	c.f = open_memstream(&buf, &len);
	assert_int_equal(cpio_add_dir(&c, "etc"), 0);
	assert_int_equal(cpio_add_data(&c, "etc/guest-modules", "abcde", 5), 0);
	assert_int_equal(cpio_add_symlink(&c, "bin/sh", "busybox"), 0);
	assert_int_equal(cpio_add_node(&c, "dev/console", 020600, 5, 1), 0);
	assert_int_equal(cpio_add_file(&c, "x", "/nonexistent"), -1);
	assert_non_null(strstr(c.err, "/nonexistent"));
	c.err[0] = '\0';
	assert_int_equal(cpio_finish(&c), 0);
	fclose(c.f);
	assert_int_equal(read_entries(buf, len, names, sizes, 8), 5);
	assert_string_equal(names[0], "etc");
	assert_string_equal(names[1], "etc/guest-modules");
	assert_int_equal(sizes[1], 5);
	assert_string_equal(names[2], "bin/sh");
	assert_int_equal(sizes[2], strlen("busybox"));
	assert_string_equal(names[3], "dev/console");
	assert_string_equal(names[4], "TRAILER!!!");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_order),
		cmocka_unit_test(test_builtin_only),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cpio),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
