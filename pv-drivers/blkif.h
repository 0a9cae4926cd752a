/*
 * The block device protocol on a shared ring (ring.h): one request names one
 * guest-physical buffer (zero copy: the back end reads and writes guest RAM
 * in place), a byte offset and a length, both multiples of 512. The back end
 * answers every request, in completion order, with the request's id.
 */
#ifndef PV_BLKIF_H
#define PV_BLKIF_H

#include <stdint.h>

#include "lwvmm_abi.h"   /* the errors: LW_E* */

enum blk_op {
	BLK_OP_READ = 1,
	BLK_OP_WRITE = 2,
	BLK_OP_FLUSH = 3,
};

#define BLK_SECTOR 512
#define BLK_MAX_LEN (4u << 20)   /* bytes per request */

struct blk_request {
	uint64_t id;      /* the front end's, returned in the response */
	uint32_t op;
	uint32_t len;
	uint64_t offset;  /* bytes on the disk */
	uint64_t buffer;  /* guest-physical address */
};

struct blk_response {
	uint64_t id;
	int32_t status;   /* 0, or a negative errno: -EIO, -EINVAL, -EROFS */
	uint32_t len;     /* bytes transferred */
};

/* One slot holds a request or, later, its response. */
#define BLK_SLOT_SIZE 32

#endif
