/*
 * The small platform surface every workload is written against. One
 * workload source is built twice: against wl_linux.c (a normal Linux
 * program, build/bin/workload) and against the built-in guest's library OS
 * (lwvmm/guest/), which implements the same functions with hypercalls.
 *
 * A workload prints exactly one result line through wl_result_*():
 *   result workload=NAME ok=1 score=123.4 score_unit=MB/s key=value ...
 * Keys are [a-z0-9_]; values are numbers except score_unit. The harness
 * parses that line (bench/vmbench/result_line.c).
 */
#ifndef WL_H
#define WL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/*
 * A workload's exit status (the native binary's, and lwvmm's when the
 * guest runs it): 0 ok, 1 its own check failed, 2 it cannot run here (no
 * disk, no network device), 64 bad arguments (EX_USAGE, as every binary of
 * the project; the guest has no <sysexits.h>).
 */
enum wl_status { WL_OK = 0, WL_CHECK_FAILED = 1, WL_CANNOT_RUN = 2, WL_USAGE = 64 };

/* Monotonic time in nanoseconds. */
uint64_t wl_time_ns(void);

/* Number of CPUs the workload may use (vCPUs in a VM, the affinity mask natively). */
int wl_ncpus(void);

/* Zeroed memory, aligned to 4 KiB in both builds (same layouts); NULL when exhausted. */
void *wl_alloc(size_t bytes);
void wl_free(void *p);

/*
 * Whole pages that go back to the system when put: mmap and munmap natively,
 * in the guest a free list and HC_MEM_RELEASE (lwvmm/guest/pages.c). Zeroed;
 * put takes the size that get was given. NULL when exhausted.
 */
void *wl_pages_get(size_t bytes);
void wl_pages_put(void *p, size_t bytes);
uint64_t wl_pages_dropped(void);   /* guest: bytes its free list had no room for; natively 0 */

/*
 * Run fn(index, arg) on `threads` threads (index 0..threads-1) and wait for
 * all of them. In the guest each thread is a vCPU; thread 0 is the caller.
 * Returns 0, or -1 when `threads` is larger than wl_ncpus().
 */
int wl_run_threads(int threads, void (*fn)(int index, void *arg), void *arg);

/* Console output (stdout natively, the console hypercall in the guest). */
int wl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Diagnostics: why a workload failed or refused its arguments (stderr natively, where
 * the harness keeps the last lines of, the console in the guest). */
int wl_eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int wl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int wl_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Minimal string helpers, so workloads need no libc in the guest. */
int wl_strcmp(const char *a, const char *b);
long wl_atol(const char *s);     /* accepts K/M/G suffixes (powers of 1024) */

/* xorshift64*: a small deterministic generator, the same sequence in both builds. */
uint64_t wl_random(uint64_t *state);

/* Hypercall costs and raw doorbells: the guest's library OS alone implements these. */
int64_t wl_hypercall_null(void);
int64_t wl_hypercall_null_batch(int count);
void wl_doorbell_notify(void);
/* Raw access for the selftest workload, which misbehaves on purpose. */
int64_t wl_hypercall_raw(uint64_t nr, uint64_t a0, uint64_t a1);
void wl_doorbell_raw(uint64_t offset, uint64_t value);

/*
 * The VM's disks (--disk), asynchronous: submit requests, publish them, reap
 * completions. `trap_and_emulate` drives the disk through registers that exit
 * on every access instead of the shared ring. Only the guest implements these:
 * natively the io workload runs fio on the same file (io_native.c).
 */
struct wl_disk;
struct wl_disk_completion {
	uint64_t id;
	int32_t status;   /* 0 or a negative errno */
};
struct wl_disk_stats {
	uint64_t kicks;       /* front-to-back notifications (doorbell writes) */
	uint64_t sleeps;      /* the guest's waits that slept in the monitor, on any port
				 (in an io run the disk's; the console sleeps only on a full ring) */
	uint64_t events;      /* the disk's wake-ups: back-to-front notifications seen */
	uint64_t mmio_exits;  /* register accesses (trap-and-emulate) */
};
struct wl_disk *wl_disk_open(int index, int trap_and_emulate, uint64_t *size, int *readonly);
enum wl_disk_op { WL_DISK_READ = 1, WL_DISK_WRITE = 2, WL_DISK_FLUSH = 3 };   /* = BLK_OP_* */
int wl_disk_submit(struct wl_disk *d, int op, uint64_t id, uint64_t offset, void *buf, uint32_t len);
void wl_disk_push(struct wl_disk *d);
int wl_disk_reap(struct wl_disk *d, struct wl_disk_completion *c, int max, int wait);
void wl_disk_get_stats(struct wl_disk *d, struct wl_disk_stats *s);

/*
 * The library OS's buffer cache over a disk (guest only; natively the page
 * cache plays its part): blocks of `block_bytes` (a power of two, 4 KiB to
 * 2 MiB), each in its own buffer aligned to its size, up to `limit_bytes` (at most
 * the disk), evicted by a clock. On a `--disk F,ro,share` disk a miss is a
 * page-aligned read that lwvmm serves by mapping the image's page-cache pages
 * (Disco's global buffer cache), so domains caching the same blocks share
 * host frames; a guest write into a cached block gets a private copy. A
 * write submitted to the disk drops the cached blocks it covers. One thread
 * at a time; set once per disk (-1, with the reason printed, otherwise).
 */
struct wl_disk_cache_stats {
	uint64_t limit_bytes, block_bytes;   /* as set (the limit trimmed to the disk) */
	uint64_t hits, misses;               /* wl_disk_cache_get() lookups */
	uint64_t reads;                      /* disk reads the cache issued (misses and fills) */
	uint64_t blocks;                     /* blocks held now */
	uint64_t evictions, invalidations;   /* blocks dropped for room, and by writes */
};
int wl_disk_cache_set(struct wl_disk *d, uint64_t limit_bytes, uint32_t block_bytes);
/* The cached block holding `offset` (read on a miss); NULL past the disk or on a read error. */
const void *wl_disk_cache_get(struct wl_disk *d, uint64_t offset);
/* Reads the blocks of [offset, offset+len) that are not cached, `qd` at a time; 0 or -1. */
int wl_disk_cache_fill(struct wl_disk *d, uint64_t offset, uint64_t len, int qd);
void wl_disk_cache_get_stats(struct wl_disk *d, struct wl_disk_cache_stats *s);

/*
 * TCP client connections, blocking, for the net workload: sockets natively
 * (net_linux.c), lwIP over the network front end in the guest
 * (lwvmm/guest/net/). Every call gives up after WL_TCP_TIMEOUT_MS without
 * progress. Failures print one line naming the cause.
 */
#define WL_TCP_TIMEOUT_MS 10000
struct wl_tcp;
/* `peer` is a dotted IPv4 address; NULL: the default peer (the VM's gateway, natively 127.0.0.1). */
struct wl_tcp *wl_tcp_connect(const char *peer, int port);
/* Sends all `len` bytes; 0, or -1. */
int wl_tcp_send(struct wl_tcp *c, const void *buf, size_t len);
/* Receives 1..len bytes; 0 at end of stream, -1 on error. */
long wl_tcp_recv(struct wl_tcp *c, void *buf, size_t len);
/* Ends the sending side (the peer reads end of stream); 0 or -1. */
int wl_tcp_shutdown_write(struct wl_tcp *c);
void wl_tcp_close(struct wl_tcp *c);
/* The network device's counters (guest only; natively have_ring_stats is 0). */
struct wl_net_stats {
	int have_ring_stats;
	uint64_t tx_frames, rx_frames;
	uint64_t kicks;       /* front-to-back notifications */
	uint64_t sleeps;      /* the guest's waits that slept in the monitor, on any port
				 (in a net run the NIC's; the console sleeps only on a full ring) */
	uint64_t tx_stalls;   /* times every transmit buffer was in flight */
	uint64_t tx_in_place; /* frames sent from where the stack built them, with no copy */
	uint64_t rx_dropped;  /* received frames dropped for want of stack memory */
};
void wl_net_get_stats(struct wl_net_stats *s);

/* Building the result line. */
struct wl_result {
	char line[1024];
	size_t len;
};
void wl_result_begin(struct wl_result *r, const char *workload, int ok);
void wl_result_num(struct wl_result *r, const char *key, double value);
void wl_result_str(struct wl_result *r, const char *key, const char *value);
void wl_result_end(struct wl_result *r); /* prints the line */

/* A workload's entry point; returns the process/VM exit status. */
struct workload {
	const char *name;
	const char *usage;
	int (*main)(int argc, char **argv);
};
/*
 * Every workload, in workload_names.c's order; an entry is NULL where the
 * workload is not linked into this build (hypercall and selftest natively).
 */
extern const struct workload *const wl_workloads[];
extern const int wl_nworkloads;
const struct workload *wl_find(const char *name);

/* "--name value" options: the value, `def` when absent, -1 when not a number. */
long wl_option(int argc, char **argv, const char *name, long def);
/*
 * 0 when lo <= value <= hi; else prints "WORKLOAD: NAME must be lo..hi, not
 * value" (that option alone) and returns -1.
 */
int wl_check_range(const char *workload, const char *name, long value, long lo, long hi);
/* 0 when all arguments are known "--name number" pairs; else prints usage, -1. */
int wl_check_options(int argc, char **argv, const char *const *known, const char *usage);

#endif
