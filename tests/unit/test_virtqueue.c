/*
 * The device side of a split virtqueue (pv-drivers/virtqueue.c) against a
 * hostile driver: chain loops, indices past the queue, over-long chains,
 * indirect descriptors, buffers outside the guest's RAM or below what it owns;
 * and virtio-blk's request parsing on top (virtio_blk_take) turning a chain
 * into the block back end's checked request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "virtio_blk.h"
#include "virtqueue.h"

#define MEM (8ULL << 20)
#define OWNED 0x100000ULL
#define QSIZE 8
#define DESC 0x200000ULL
#define AVAIL 0x201000ULL
#define USED 0x202000ULL

static struct guest_memory mem;
static struct virtq q;
static char why[200];

static int setup(void **state)
{
	(void)state;
	static uint8_t *ram;
	if (!ram)
		ram = malloc(MEM);
	memset(ram, 0, MEM);
	mem = (struct guest_memory){ .fd = -1, .host = ram, .size = MEM, .owned_from = OWNED };
	assert_int_equal(virtq_init(&q, &mem, QSIZE, DESC, AVAIL, USED, why, sizeof(why)), 0);
	return 0;
}

static void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = mem.host + DESC + 16 * i;
	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

/* The driver makes `head` available (one more avail entry). */
static void offer(uint16_t head)
{
	uint16_t idx;
	memcpy(&idx, mem.host + AVAIL + 2, 2);
	memcpy(mem.host + AVAIL + 4 + 2 * (idx % QSIZE), &head, 2);
	idx++;
	memcpy(mem.host + AVAIL + 2, &idx, 2);
}

static int pop(uint16_t *head, struct virtq_buf *b, int max, int *n)
{
	why[0] = 0;
	return virtq_pop(&q, head, b, max, n, why, sizeof(why));
}

static void test_init_checks_the_layout(void **state)
{
	(void)state;
	struct virtq t;
	assert_int_equal(virtq_init(&t, &mem, 0, DESC, AVAIL, USED, why, sizeof(why)), -1);
	assert_int_equal(virtq_init(&t, &mem, 12, DESC, AVAIL, USED, why, sizeof(why)), -1);
	assert_int_equal(virtq_init(&t, &mem, 512, DESC, AVAIL, USED, why, sizeof(why)), -1);
	assert_int_equal(virtq_init(&t, &mem, QSIZE, DESC + 8, AVAIL, USED, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "aligned"));
	assert_int_equal(virtq_init(&t, &mem, QSIZE, MEM - 16, AVAIL, USED, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "outside guest RAM"));
	assert_int_equal(virtq_init(&t, &mem, QSIZE, DESC, UINT64_MAX - 1, USED, why, sizeof(why)), -1);
	assert_int_equal(virtq_init(&t, &mem, QSIZE, DESC, AVAIL, 0x1000, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "monitor's pages"));
}

static void test_a_good_chain_and_the_used_ring(void **state)
{
	(void)state;
	struct virtq_buf b[4];
	uint16_t head;
	int n;

	assert_int_equal(pop(&head, b, 4, &n), 0);
	desc(5, 0x300000, 16, VIRTQ_DESC_F_NEXT, 2);
	desc(2, 0x301000, 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 7);
	desc(7, 0x302000, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(5);
	assert_int_equal(virtq_pending(&q), 1);
	assert_int_equal(pop(&head, b, 4, &n), 1);
	assert_int_equal(head, 5);
	assert_int_equal(n, 3);
	assert_int_equal(b[1].gpa, 0x301000);
	assert_int_equal(b[1].len, 4096);
	assert_true(b[1].writable && b[2].writable && !b[0].writable);
	virtq_push(&q, 5, 4097);
	assert_int_equal(virtq_publish(&q), 1);
	uint16_t used_idx;
	uint32_t id, len;
	memcpy(&used_idx, mem.host + USED + 2, 2);
	memcpy(&id, mem.host + USED + 4, 4);
	memcpy(&len, mem.host + USED + 8, 4);
	assert_int_equal(used_idx, 1);
	assert_int_equal(id, 5);
	assert_int_equal(len, 4097);
	uint16_t no_interrupt = VIRTQ_AVAIL_F_NO_INTERRUPT;
	memcpy(mem.host + AVAIL, &no_interrupt, 2);
	assert_int_equal(virtq_publish(&q), 0);
	assert_int_equal(virtq_want_kicks(&q, 0), 0);
	assert_int_equal(mem.host[USED], VIRTQ_USED_F_NO_NOTIFY);
	assert_int_equal(virtq_want_kicks(&q, 1), 0);
	assert_int_equal(mem.host[USED], 0);
}

static void test_loops_and_long_chains(void **state)
{
	(void)state;
	struct virtq_buf b[VIRTQ_MAX_SIZE];
	uint16_t head;
	int n;

	desc(0, 0x300000, 16, VIRTQ_DESC_F_NEXT, 1);
	desc(1, 0x300000, 16, VIRTQ_DESC_F_NEXT, 0);   /* 0 -> 1 -> 0 ... */
	offer(0);
	assert_int_equal(pop(&head, b, VIRTQ_MAX_SIZE, &n), -1);
	assert_non_null(strstr(why, "loop"));
	desc(3, 0x300000, 16, VIRTQ_DESC_F_NEXT, 3);   /* onto itself */
	offer(3);
	assert_int_equal(pop(&head, b, VIRTQ_MAX_SIZE, &n), -1);
	for (uint16_t i = 0; i < 4; i++)
		desc(i, 0x300000, 16, VIRTQ_DESC_F_NEXT, i + 1);
	desc(4, 0x300000, 16, 0, 0);
	offer(0);
	assert_int_equal(pop(&head, b, 3, &n), -1);    /* 5 buffers where 3 are the most */
	assert_non_null(strstr(why, "more than 3 buffers"));
	offer(0);
	assert_int_equal(pop(&head, b, 5, &n), 1);     /* the same chain within the limit */
	assert_int_equal(n, 5);
}

static void test_indices_past_the_queue(void **state)
{
	(void)state;
	struct virtq_buf b[4];
	uint16_t head;
	int n;

	offer(QSIZE);                                   /* head */
	assert_int_equal(pop(&head, b, 4, &n), -1);
	assert_non_null(strstr(why, "past the queue"));
	desc(0, 0x300000, 16, VIRTQ_DESC_F_NEXT, 0xffff);   /* next */
	offer(0);
	assert_int_equal(pop(&head, b, 4, &n), -1);
	assert_non_null(strstr(why, "past the queue"));
	uint16_t idx;                                   /* avail idx far ahead */
	memcpy(&idx, mem.host + AVAIL + 2, 2);
	idx += QSIZE + 1;
	memcpy(mem.host + AVAIL + 2, &idx, 2);
	assert_int_equal(virtq_pending(&q), -1);
	assert_int_equal(pop(&head, b, 4, &n), -1);
}

static void test_buffers_the_guest_does_not_own(void **state)
{
	(void)state;
	struct virtq_buf b[4];
	uint16_t head;
	int n;
	const uint64_t bad[][2] = { { MEM - 8, 16 }, { UINT64_MAX - 4, 16 }, { 0x1000, 512 }, { 0, 0x200000 } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		desc(0, bad[i][0], (uint32_t)bad[i][1], 0, 0);
		offer(0);
		assert_int_equal(pop(&head, b, 4, &n), -1);
		assert_non_null(strstr(why, "buffer"));
	}
	desc(0, 0x300000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	assert_int_equal(pop(&head, b, 4, &n), -1);
	assert_non_null(strstr(why, "indirect"));
	desc(0, 0x300000, 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(1, 0x300000, 16, 0, 0);
	offer(0);
	assert_int_equal(pop(&head, b, 4, &n), -1);
	assert_non_null(strstr(why, "readable buffer after"));
}

/* virtio-blk: header type and sector, the data buffer, the status byte. */
static int blk_take(uint32_t type, uint64_t sector, uint32_t len, uint16_t data_flags, int with_data,
		    struct blk_request *req, int *status)
{
	static struct virtio_blk v;
	struct blk_limits l = { .disk_size = 1 << 20, .mem = &mem };
	uint8_t header[16] = { 0 };

	memcpy(header, &type, 4);
	memcpy(header + 8, &sector, 8);
	memcpy(mem.host + 0x300000, header, 16);
	v.vq = q;
	desc(0, 0x300000, 16, VIRTQ_DESC_F_NEXT, with_data ? 1 : 2);
	desc(1, 0x301000, len, VIRTQ_DESC_F_NEXT | data_flags, 2);
	desc(2, 0x302000, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	v.vq.mem = &mem;
	int got = virtio_blk_take(&v, &l, req, status, why, sizeof(why));
	q = v.vq;
	return got;
}

static void test_virtio_blk_requests(void **state)
{
	(void)state;
	struct blk_request r;
	int status;

	assert_int_equal(blk_take(0, 2, 4096, VIRTQ_DESC_F_WRITE, 1, &r, &status), 1);
	assert_int_equal(status, 0);
	assert_int_equal(r.op, BLK_OP_READ);
	assert_int_equal(r.offset, 1024);
	assert_int_equal(r.buffer, 0x301000);
	assert_int_equal(r.len, 4096);
	assert_int_equal(blk_take(1, 0, 512, 0, 1, &r, &status), 1);
	assert_int_equal(r.op, BLK_OP_WRITE);
	assert_int_equal(status, 0);
	assert_int_equal(blk_take(4, 0, 0, 0, 0, &r, &status), 1);
	assert_int_equal(r.op, BLK_OP_FLUSH);
	/* a read whose data buffer the device may not write: refused, not served */
	assert_int_equal(blk_take(0, 0, 512, 0, 1, &r, &status), 1);
	assert_int_not_equal(status, 0);
	/* GET_ID (8): unsupported */
	assert_int_equal(blk_take(8, 0, 20, VIRTQ_DESC_F_WRITE, 1, &r, &status), 1);
	assert_int_not_equal(status, 0);
	/* past the disk's end, and a sector whose byte offset overflows */
	assert_int_equal(blk_take(0, 2048, 512, VIRTQ_DESC_F_WRITE, 1, &r, &status), 1);
	assert_int_not_equal(status, 0);
	assert_int_equal(blk_take(0, UINT64_MAX / 4, 512, VIRTQ_DESC_F_WRITE, 1, &r, &status), 1);
	assert_int_not_equal(status, 0);
	/* a header too short to hold type and sector: the device is broken, not guessed at */
	desc(0, 0x300000, 8, VIRTQ_DESC_F_NEXT, 2);
	desc(2, 0x302000, 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	static struct virtio_blk v;
	struct blk_limits l = { .disk_size = 1 << 20, .mem = &mem };
	v.vq = q;
	assert_int_equal(virtio_blk_take(&v, &l, &r, &status, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "header"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_checks_the_layout, setup),
		cmocka_unit_test_setup(test_a_good_chain_and_the_used_ring, setup),
		cmocka_unit_test_setup(test_loops_and_long_chains, setup),
		cmocka_unit_test_setup(test_indices_past_the_queue, setup),
		cmocka_unit_test_setup(test_buffers_the_guest_does_not_own, setup),
		cmocka_unit_test_setup(test_virtio_blk_requests, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
