/* Validation of one block request taken from a (possibly hostile) guest. */
#ifndef PV_BLK_CHECK_H
#define PV_BLK_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "blkif.h"
#include "guest_memory.h"
#include "ring.h"

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

#endif
