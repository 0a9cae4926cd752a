/*
 * ksm_probe: checks that KSM, once switched on, really merges pages.
 *
 *   ksm_probe SECONDS
 *
 * Maps identical anonymous pages, marks them MADV_MERGEABLE and waits up to
 * SECONDS for /proc/self/ksm_merging_pages to become non-zero. The wait is a
 * bound against hangs, not a measurement. Exits 0 when pages were merged, 1
 * with a message otherwise, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { MERGEABLE_PAGES = 64 };

static long read_merging_pages(void)
{
	FILE *file = fopen("/proc/self/ksm_merging_pages", "r");
	long value = -1;

	if (!file)
		return -1;
	if (fscanf(file, "%ld", &value) != 1)
		value = -1;
	fclose(file);
	return value;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t length = (size_t)page * MERGEABLE_PAGES;
	long seconds, merged = 0, waited;
	char *buffer, *end;

	if (argc != 2) {
		fprintf(stderr, "usage: ksm_probe SECONDS\n");
		return 2;
	}
	errno = 0;
	seconds = strtol(argv[1], &end, 10);
	if (errno || *argv[1] == '\0' || *end != '\0' || seconds < 1) {
		fprintf(stderr, "ksm_probe: SECONDS must be a positive number, not '%s'\n", argv[1]);
		return 2;
	}
	buffer = mmap(NULL, length, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED) {
		fprintf(stderr, "ksm_probe: mmap failed: %s\n", strerror(errno));
		return 1;
	}
	memset(buffer, 0x5a, length);
	if (madvise(buffer, length, MADV_MERGEABLE) != 0) {
		fprintf(stderr, "ksm_probe: madvise(MADV_MERGEABLE) failed: %s\n", strerror(errno));
		return 1;
	}
	for (waited = 0; waited <= seconds; waited++) {
		merged = read_merging_pages();
		if (merged < 0) {
			fprintf(stderr, "ksm_probe: cannot read /proc/self/ksm_merging_pages\n");
			return 1;
		}
		if (merged > 0)
			break;
		sleep(1);
	}
	if (merged <= 0) {
		fprintf(stderr, "ksm_probe: no page of %d identical mergeable pages was merged within %lds\n",
			MERGEABLE_PAGES, seconds);
		return 1;
	}
	printf("ksm: %ld of %d identical pages merged\n", merged, MERGEABLE_PAGES);
	munmap(buffer, length);
	return 0;
}
