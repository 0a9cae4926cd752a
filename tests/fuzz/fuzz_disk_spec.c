/*
 * libFuzzer target: the --disk spec "FILE[,ro][,direct]" (blkback_ops.open
 * in pv-drivers/blkback.c). FILE is always a small temporary file, the input
 * follows its name (",ro,direct", or anything); the fuzzer never names a
 * file of its own. An accepted spec opens that file with the flags it gave.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkback.h"
#include "fuzz_tmp.h"

static char disk[512];

static void remove_disk(void)
{
	unlink(disk);
}

static void make_disk(void)
{
	fuzz_tmp_template(disk, sizeof(disk), "disk");
	int fd = mkstemp(disk);
	if (fd < 0 || ftruncate(fd, 4096) < 0)
		abort();
	close(fd);
	atexit(remove_disk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct blkback b;
	char why[512];

	if (!disk[0])
		make_disk();
	size_t name = strlen(disk);
	char *spec = malloc(name + size + 1);
	if (!spec)
		return 0;
	memcpy(spec, disk, name);
	memcpy(spec + name, data, size);
	spec[name + size] = '\0';
	memset(&b, 0, sizeof(b));   /* as the device table hands it over */
	if (blkback_ops.open(&b, spec, 0, why, sizeof(why)) == 0) {
		if (strcmp(b.path, disk) != 0 || b.size != 4096 || b.fd < 0)
			abort();
		if (b.readonly != (strstr(spec, ",ro") != NULL))
			abort();
	}
	blkback_ops.stop(&b);
	blkback_ops.release(&b);   /* as devices_free() does after the statistics */
	free(spec);
	return 0;
}
