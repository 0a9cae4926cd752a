#include <stdio.h>
#include <string.h>

#include "blk_check.h"
#include "guest_memory.h"

int blk_check_request(const struct blk_request *r, const struct blk_limits *l,
		      char *why, size_t why_len)
{
	if (r->op == BLK_OP_FLUSH)
		return 0;
	if (r->op != BLK_OP_READ && r->op != BLK_OP_WRITE) {
		snprintf(why, why_len, "unknown operation %u", r->op);
		return LW_EINVAL;
	}
	if (r->op == BLK_OP_WRITE && l->readonly) {
		snprintf(why, why_len, "write to a read-only disk");
		return LW_EROFS;
	}
	if (r->len == 0 || r->len > BLK_MAX_LEN || r->len % BLK_SECTOR || r->offset % BLK_SECTOR ||
	    r->buffer % BLK_SECTOR) {
		snprintf(why, why_len, "length %u, offset %llu or buffer 0x%llx not in whole sectors "
			 "(or above %u bytes)", r->len, (unsigned long long)r->offset,
			 (unsigned long long)r->buffer, BLK_MAX_LEN);
		return LW_EINVAL;
	}
	if (!guest_range_ok(l->disk_size, r->offset, r->len)) {
		snprintf(why, why_len, "bytes %llu+%u lie past the end of the disk",
			 (unsigned long long)r->offset, r->len);
		return LW_EINVAL;
	}
	char where[120];
	if (guest_io_check(l->mem, r->buffer, r->len, where, sizeof(where)) < 0) {
		snprintf(why, why_len, "buffer %s", where);
		return LW_EINVAL;
	}
	return 0;
}

int blk_take_request(struct ring_back *ring, const struct blk_limits *l,
		     struct blk_request *req, int *status, char *why, size_t why_len)
{
	int64_t waiting = ring_unconsumed_requests(ring);

	if (waiting < 0) {
		snprintf(why, why_len, "the request producer ran more than the ring's %u slots ahead "
			 "of the consumer", ring->nr_slots);
		return -1;
	}
	if (waiting == 0)
		return 0;
	memcpy(req, ring_next_request_slot(ring), sizeof(*req));
	ring_back_consume_request(ring);
	*status = blk_check_request(req, l, why, why_len);
	return 1;
}
