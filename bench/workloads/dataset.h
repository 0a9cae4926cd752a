/* The dataset workload's parameters and its two platforms (dataset_native.c, dataset_vm.c). */
#ifndef WL_DATASET_H
#define WL_DATASET_H

#include "wl.h"

struct dataset_params {
	uint64_t bytes;        /* --mib: the data set, from the start of the disk or file */
	int passes;            /* --passes: scans of the whole data set */
	int threads;           /* --threads */
	int verify;            /* --verify 1: every 512-byte sector starts with its own offset */
	uint32_t block;        /* --block: the buffer cache's block (VM) */
	uint64_t cache_bytes;  /* --cache-mib: the buffer cache's limit (VM; default the data set) */
	int qd;                /* --qd: reads in flight while loading (VM) */
	int disk;              /* --disk N (VM) */
	int scribble;          /* --scribble 1 (VM): then write into every cached page, check it */
	int hold_s;            /* --hold S: after the result line, stay S seconds (memory is measured) */
	const char *file;      /* --file (native) */
};

/* The data set, loaded: `nblocks` blocks of params->block bytes (the last may be short). */
struct dataset_src;

/* Loads the data set through the OS's cache; WL_OK, or the status to exit with (printed why). */
int dataset_load(const struct dataset_params *p, struct dataset_src **src, double *load_s);
/* Block k of the data set (a cache lookup in the VM, the mapped page cache natively). */
const uint8_t *dataset_block(struct dataset_src *s, uint64_t k);
/* The platform's own figures in the result line (the buffer cache's counts in the VM). */
void dataset_report(struct dataset_src *s, struct wl_result *r);
/* --scribble (VM only): write into every cached page, check the guest sees it; 0 or the pages wrong. */
int dataset_scribble(struct dataset_src *s);
void dataset_close(struct dataset_src *s);

#endif
