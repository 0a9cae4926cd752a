/*
 * The block back end: a file or block device served to the guest through a
 * shared ring (ring.h, blkif.h), with up to `depth` requests in flight at once
 * through io_uring, and the same file served synchronously for the
 * trap-and-emulate register interface (blkback_execute_sync).
 */
#ifndef PV_BLKBACK_H
#define PV_BLKBACK_H

#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "backend.h"
#include "blkif.h"
#include "blk_share.h"
#include "guest_memory.h"
#include "ring.h"

#define BLKBACK_DEPTH 64

/* Validation of one block request taken from a (possibly hostile) guest. */
struct blk_limits {
	uint64_t disk_size;   /* bytes */
	int readonly;
	const struct guest_memory *mem;   /* buffers: guest-owned RAM only (guest_io_check) */
};

/* 0 when the request may be carried out, else a negative BLK_E* status and `why`. */
int blk_check_request(const struct blk_request *r, const struct blk_limits *l,
		      char *why, size_t why_len);

/*
 * Takes the next request off a back end's ring: copies it out of shared
 * memory (the guest may rewrite the slot at any time), consumes the slot and
 * checks the copy. Returns 1 with *req and *status (0: carry it out; else the
 * error to answer with), 0 when no request waits, -1 when the front end broke
 * the protocol (producer more than the ring's size ahead).
 */
int blk_take_request(struct ring_back *ring, const struct blk_limits *l,
		     struct blk_request *req, int *status, char *why, size_t why_len);

struct blkback_stats {
	uint64_t requests;     /* taken from the ring */
	uint64_t bytes;
	uint64_t errors;       /* answered with an error status */
	uint64_t kicks;        /* notifications from the front end */
	uint64_t notifies;     /* notifications to the front end */
	uint64_t sync_requests;/* trap-and-emulate requests */
	uint64_t sync_bytes;
	uint64_t enospc;       /* writes the host refused for want of space (ENOSPC, EDQUOT): the guest saw EIO */
	/* per-request costs (--stats' "per ring request" line) */
	uint64_t waits;        /* times the thread asked the kernel to sleep for a completion or a kick */
	uint64_t submitted;    /* requests given to io_uring */
	double depth_area;     /* requests in flight on the host x seconds, from attach to the end */
	double depth_seconds;  /* the time that area covers */
	int64_t ctxsw_voluntary;   /* the thread's context switches at its end (getrusage), -1: unknown */
	int64_t ctxsw_involuntary;
};

struct blk_inflight {
	uint64_t id;
	uint32_t len;
	int busy;
};

struct blkback {
	/* the disk */
	char path[256];
	int fd;
	int readonly;
	int direct;
	uint64_t size;
	struct blk_share share;     /* ,share: reads served by mapping the file (blk_share.h) */

	/* the ring, once the guest attached it */
	struct pv_guest *guest;
	struct ring_back ring;
	struct blk_limits limits;
	int port;
	int kick_fd;                /* eventfd signalled by KVM_IOEVENTFD */
	int attached;
	pthread_t thread;
	atomic_int stop;
	struct io_uring uring;
	struct blk_inflight inflight[BLKBACK_DEPTH];
	int in_flight;
	uint64_t kick_value;        /* buffer of the eventfd read */
	uint64_t depth_since_ns;    /* when in_flight last changed, as far as the statistics know */
	int depth_then;             /* in_flight since then */

	/* trap-and-emulate registers; requests come from any vCPU */
	pthread_mutex_t sync_lock;
	struct blk_request regs;
	int64_t regs_status;
	struct blkback_stats stats;
	atomic_int broken;
};

/*
 * The device kind (backend.h): open takes "FILE[,ro][,direct][,share]"; the MMIO
 * window holds the trap-and-emulate registers.
 */
extern const struct backend_ops blkback_ops;

#endif
