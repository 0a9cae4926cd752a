/*
 * dataset natively (and in containers): the data set is --file, mapped
 * read-only and shared, so every block is the page cache's own page, as
 * every process reading the file shares them; loading reads each page once
 * (the page cache fills from the disk where it does not hold it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"

struct dataset_src {
	const struct dataset_params *p;
	const uint8_t *map;
};

int dataset_load(const struct dataset_params *p, struct dataset_src **src, double *load_s)
{
	static struct dataset_src s;
	struct stat st;

	if (!p->file) {
		wl_eprintf("dataset: natively the data set is --file PATH\n");
		return WL_USAGE;
	}
	if (p->scribble) {
		wl_eprintf("dataset: --scribble is for the VM's buffer cache\n");
		return WL_USAGE;
	}
	int fd = open(p->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		wl_eprintf("dataset: %s: %s\n", p->file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return WL_CANNOT_RUN;
	}
	if ((uint64_t)st.st_size < p->bytes) {
		wl_eprintf("dataset: %s holds %llu MiB, less than --mib %llu\n", p->file,
			   (unsigned long long)(st.st_size >> 20), (unsigned long long)(p->bytes >> 20));
		close(fd);
		return WL_CANNOT_RUN;
	}
	uint64_t t0 = wl_time_ns();
	void *m = mmap(NULL, p->bytes, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		wl_eprintf("dataset: cannot map %s: %s\n", p->file, strerror(errno));
		return 3;
	}
	madvise(m, p->bytes, MADV_WILLNEED);
	volatile uint8_t sink = 0;
	for (uint64_t at = 0; at < p->bytes; at += 4096)
		sink ^= ((const uint8_t *)m)[at];
	(void)sink;
	*load_s = (double)(wl_time_ns() - t0) / 1e9;
	s.p = p;
	s.map = m;
	*src = &s;
	return WL_OK;
}

const uint8_t *dataset_block(struct dataset_src *s, uint64_t k)
{
	return s->map + k * s->p->block;
}

void dataset_report(struct dataset_src *s, struct wl_result *r)
{
	(void)s;
	(void)r;
}

int dataset_scribble(struct dataset_src *s)
{
	(void)s;
	return 1;   /* refused at load */
}

void dataset_close(struct dataset_src *s)
{
	munmap((void *)s->map, s->p->bytes);
}
