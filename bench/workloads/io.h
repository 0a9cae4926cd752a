/* The io workload's parameters and figures, shared by its guest and native paths. */
#ifndef WL_IO_H
#define WL_IO_H

#include "wl.h"

struct io_params {
	int write;           /* --rw write|randwrite */
	int random;          /* --rw randread|randwrite */
	const char *rw;
	uint32_t bs;         /* --bs, bytes */
	int qd;              /* --qd */
	uint64_t total;      /* --mib: bytes to transfer */
	int disk;            /* --disk N: the VM's disk */
	int trap_and_emulate;/* --mode mmio */
	int verify;          /* --verify 1: sectors carry their own offset */
	const char *file;    /* --file: native only, the file fio runs on */
	int direct;          /* --direct 0|1: O_DIRECT (native; the VM's is --disk FILE,direct) */
	int fsync;           /* --fsync N: a flush after every N writes, as fio's fsync=N */
	int keep;            /* --keep 1 (VM reads): each block read into its own place, kept */
	int scribble;        /* --scribble 1 (with --keep): then write into every kept page */
	int rewrite;         /* --rewrite 1 (with --keep, sequential): then write the kept blocks anew */
	int hold_s;          /* --hold S (VM): after the result line, stay S seconds (memory is measured) */
};

struct io_figures {
	double seconds;
	double time_res_s;          /* the resolution of the clock that timed it */
	uint64_t requests, bytes, errors, flushes;
	double clat_mean_ns, clat_p50_ns, clat_p99_ns, clat_p999_ns;
	uint64_t kicks, sleeps, events, mmio_exits;
	int have_ring_stats;
};

int io_parse(int argc, char **argv, struct io_params *p);
void io_report(const struct io_params *p, const struct io_figures *f, int ok);

/* Natively: run fio with the same parameters (io_native.c). */
/*
 * Runs the I/O the parameters describe and fills the figures; 0 ok, 1 the
 * check failed, 2 or more could not run. In the guest io_vm.c drives the
 * disk; natively io_native.c runs fio.
 */
int io_run(const struct io_params *p, struct io_figures *f);

/* A latency histogram with about 1.5% resolution: 64 buckets per power of two. */
#define LAT_BUCKETS (64 * 40)
struct lat_hist {
	uint64_t count[LAT_BUCKETS];
	uint64_t n;
	double sum;
};
void lat_add(struct lat_hist *h, uint64_t ns);
double lat_percentile(const struct lat_hist *h, double pct);
double lat_mean(const struct lat_hist *h);   /* 0 when empty */

#endif
