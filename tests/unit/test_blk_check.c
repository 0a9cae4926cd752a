/* The block back end's checks of guest requests, and taking them off the ring. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blkback.h"

#define MEM (64ULL << 20)
#define DISK (16ULL << 20)
#define RING 0x400000ULL

/* RAM of MEM bytes, owned by the guest from 2 MiB up, with one ring at RING. */
static const struct guest_memory mem = {
	.fd = -1, .size = MEM, .owned_from = 0x200000,
	.rings = { { .gpa = RING, .bytes = 8192 } }, .nrings = 1,
};
static const struct blk_limits limits = { .disk_size = DISK, .mem = &mem };
static char why[200];

static int check(uint32_t op, uint64_t offset, uint64_t buffer, uint32_t len, const struct blk_limits *l)
{
	struct blk_request r = { .id = 1, .op = op, .len = len, .offset = offset, .buffer = buffer };
	why[0] = 0;
	return blk_check_request(&r, l, why, sizeof(why));
}

static void test_good_requests(void **state)
{
	(void)state;
	assert_int_equal(check(BLK_OP_READ, 0, 0x300000, 4096, &limits), 0);
	assert_int_equal(check(BLK_OP_WRITE, DISK - 512, 0x300000, 512, &limits), 0);
	assert_int_equal(check(BLK_OP_READ, 0, MEM - BLK_MAX_LEN, BLK_MAX_LEN, &limits), 0);
	assert_int_equal(check(BLK_OP_FLUSH, 0, 0, 0, &limits), 0);
}

static void test_bad_operation_and_sizes(void **state)
{
	(void)state;
	assert_int_equal(check(9, 0, 0x300000, 4096, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, 0x300000, 0, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, 0x300000, 100, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 7, 0x300000, 512, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, 0x300001, 512, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, 0x300000, BLK_MAX_LEN + 512, &limits), LW_EINVAL);
}

static void test_outside_the_disk(void **state)
{
	(void)state;
	assert_int_equal(check(BLK_OP_READ, DISK, 0x300000, 512, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, DISK - 512, 0x300000, 1024, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, UINT64_MAX - 511, 0x300000, 512, &limits), LW_EINVAL);
	assert_non_null(strstr(why, "past the end of the disk"));
}

static void test_buffers_outside_ram_or_on_the_ring(void **state)
{
	(void)state;
	assert_int_equal(check(BLK_OP_READ, 0, MEM, 512, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, MEM - 512, 1024, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, UINT64_MAX - 511, 512, &limits), LW_EINVAL);
	assert_non_null(strstr(why, "outside guest RAM"));
	assert_int_equal(check(BLK_OP_READ, 0, RING, 512, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, RING - 512, 1024, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, RING + 8192 - 512, 512, &limits), LW_EINVAL);
	assert_non_null(strstr(why, "overlaps an attached ring"));
	assert_int_equal(check(BLK_OP_READ, 0, RING + 8192, 512, &limits), 0);
	assert_int_equal(check(BLK_OP_READ, 0, RING - 512, 512, &limits), 0);
}

/* The monitor's page tables, GDT and TSS lie below the image: no guest I/O goes there. */
static void test_buffers_in_the_monitors_pages(void **state)
{
	(void)state;
	assert_int_equal(check(BLK_OP_READ, 0, 0x143000, 4096, &limits), LW_EINVAL);
	assert_non_null(strstr(why, "below the guest image"));
	assert_int_equal(check(BLK_OP_READ, 0, 0, 512, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, 0x200000 - 512, 1024, &limits), LW_EINVAL);
	assert_int_equal(check(BLK_OP_READ, 0, 0x200000, 512, &limits), 0);
}

static void test_readonly(void **state)
{
	(void)state;
	struct blk_limits ro = limits;
	ro.readonly = 1;
	assert_int_equal(check(BLK_OP_WRITE, 0, 0x300000, 512, &ro), LW_EROFS);
	assert_int_equal(check(BLK_OP_READ, 0, 0x300000, 512, &ro), 0);
}

/*
 * The check's view of guest RAM, wrapped (-Wl,--wrap=guest_io_check in
 * tests/build.mk). While `hostile_slot` is set, every call rewrites that slot,
 * as a guest on another vCPU may at any moment, so also between the back
 * end's copy and its check; and it records the buffer the RAM check was
 * asked about. A blk_take_request() that checked the shared slot, or copied
 * it after the check, would answer for what the guest wrote last.
 */
int __real_guest_io_check(const struct guest_memory *m, uint64_t gpa, uint64_t len,
			  char *why, size_t why_len);
static struct blk_request *hostile_slot;
static int hostile_calls;
static uint64_t checked_buffer;

int __wrap_guest_io_check(const struct guest_memory *m, uint64_t gpa, uint64_t len,
			  char *why, size_t why_len);
int __wrap_guest_io_check(const struct guest_memory *m, uint64_t gpa, uint64_t len,
			  char *why, size_t why_len)
{
	if (hostile_slot) {
		hostile_calls++;
		checked_buffer = gpa;
		hostile_slot->buffer = MEM + 4096;   /* outside guest RAM */
		hostile_slot->len = 512;
	}
	return __real_guest_io_check(m, gpa, len, why, why_len);
}

/* The back end acts on its own copy: what it checked is what it does. */
static void test_take_request_copies_then_checks(void **state)
{
	(void)state;
	struct ring_shared *s = aligned_alloc(64, 8192);
	struct ring_front f;
	struct ring_back b;
	struct blk_request req;
	int status;

	memset(s, 0, 8192);
	ring_shared_init(s);
	ring_front_init(&f, s, ring_slots_for(8192, BLK_SLOT_SIZE), BLK_SLOT_SIZE);
	ring_back_init(&b, s, f.nr_slots, BLK_SLOT_SIZE);
	assert_int_equal(blk_take_request(&b, &limits, &req, &status, why, sizeof(why)), 0);

	struct blk_request *slot = ring_next_request(&f);
	*slot = (struct blk_request){ .id = 42, .op = BLK_OP_READ, .len = 4096, .offset = 0, .buffer = 0x300000 };
	ring_front_commit_request(&f);
	ring_push_requests_and_check_notify(&f);
	hostile_slot = slot;   /* the guest rewrites the slot while the back end checks */
	hostile_calls = 0;
	checked_buffer = 0;
	assert_int_equal(blk_take_request(&b, &limits, &req, &status, why, sizeof(why)), 1);
	hostile_slot = NULL;
	assert_true(hostile_calls > 0);   /* the check ran, with the slot rewritten under it */
	assert_int_equal(slot->buffer, MEM + 4096);
	assert_int_equal(checked_buffer, 0x300000);   /* it checked the copy... */
	assert_int_equal(status, 0);
	assert_int_equal(req.id, 42);
	assert_int_equal(req.buffer, 0x300000);   /* ...and the copy is what is carried out */
	assert_int_equal(req.len, 4096);

	s->req_prod += 1000;   /* a producer far ahead of the consumer */
	assert_int_equal(blk_take_request(&b, &limits, &req, &status, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "ahead"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_requests),
		cmocka_unit_test(test_bad_operation_and_sizes),
		cmocka_unit_test(test_outside_the_disk),
		cmocka_unit_test(test_buffers_outside_ram_or_on_the_ring),
		cmocka_unit_test(test_buffers_in_the_monitors_pages),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_take_request_copies_then_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
