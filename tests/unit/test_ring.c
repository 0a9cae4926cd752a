/* The shared-ring protocol (pv-drivers/ring.h), both sides in one address space. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ring.h"

#define BYTES 4096
#define SLOT 32

static struct ring_shared *shared;
static struct ring_front front;
static struct ring_back back;

static int setup(void **state)
{
	(void)state;
	shared = aligned_alloc(64, BYTES);
	memset(shared, 0, BYTES);
	ring_shared_init(shared);
	ring_front_init(&front, shared, ring_slots_for(BYTES, SLOT), SLOT);
	ring_back_init(&back, shared, ring_slots_for(BYTES, SLOT), SLOT);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(shared);
	return 0;
}

static void produce(uint32_t value)
{
	memcpy(ring_next_request(&front), &value, sizeof(value));
	ring_front_commit_request(&front);
}

static uint32_t consume_request(void)
{
	uint32_t v;
	memcpy(&v, ring_next_request_slot(&back), sizeof(v));
	ring_back_consume_request(&back);
	return v;
}

static void respond(uint32_t value)
{
	memcpy(ring_next_response_slot(&back), &value, sizeof(value));
	ring_back_commit_response(&back);
}

static void test_slot_count(void **state)
{
	(void)state;
	assert_int_equal(ring_slots_for(4096, 32), 64);    /* (4096-64)/32 = 126, rounded down */
	assert_int_equal(ring_slots_for(8192, 32), 128);
	assert_int_equal(ring_slots_for(16384, 128), 64);
	assert_int_equal(ring_slots_for(64, 32), 0);
	assert_int_equal(ring_slots_for(4096, 0), 0);
}

static void test_requests_and_responses_in_order(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 10; i++)
		produce(100 + i);
	ring_push_requests_and_check_notify(&front);
	assert_int_equal(ring_unconsumed_requests(&back), 10);
	for (uint32_t i = 0; i < 10; i++) {
		assert_int_equal(consume_request(), 100 + i);
		respond(200 + i);
	}
	ring_push_responses_and_check_notify(&back);
	assert_int_equal(ring_unconsumed_responses(&front), 10);
	for (uint32_t i = 0; i < 10; i++) {
		uint32_t v;
		memcpy(&v, ring_next_response(&front), sizeof(v));
		assert_int_equal(v, 200 + i);
		ring_front_consume_response(&front);
	}
	assert_int_equal(ring_unconsumed_responses(&front), 0);
}

static void test_full_ring(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < front.nr_slots; i++)
		produce(i);
	assert_int_equal(ring_free_requests(&front), 0);
	ring_push_requests_and_check_notify(&front);
	/* The back end takes everything but cannot answer past the free slots. */
	assert_int_equal(ring_unconsumed_requests(&back), front.nr_slots);
	consume_request();
	respond(1);
	ring_push_responses_and_check_notify(&back);
	ring_front_consume_response(&front);
	assert_int_equal(ring_free_requests(&front), 1);
}

/* Notification only when the other side asked: the heart of the ring's economy. */
static void test_notification_suppression(void **state)
{
	(void)state;
	produce(1);
	assert_true(ring_push_requests_and_check_notify(&front));   /* req_event starts at 1 */
	produce(2);
	assert_false(ring_push_requests_and_check_notify(&front));  /* the back end did not ask again */
	consume_request();
	consume_request();
	assert_int_equal(ring_final_check_for_requests(&back), 0);   /* asks: req_event = 3 */
	produce(3);
	produce(4);
	assert_true(ring_push_requests_and_check_notify(&front));   /* one notification for two */
	/* Responses: the front end asks only when it is about to sleep. */
	respond(1);
	assert_true(ring_push_responses_and_check_notify(&back));   /* rsp_event starts at 1 */
	respond(2);
	assert_false(ring_push_responses_and_check_notify(&back));
}

/* A request pushed between "nothing to do" and "ask to be told" is never lost. */
static void test_final_check_sees_late_request(void **state)
{
	(void)state;
	assert_int_equal(ring_unconsumed_requests(&back), 0);
	produce(7);
	ring_push_requests_and_check_notify(&front);
	assert_int_equal(ring_final_check_for_requests(&back), 1);
}

/* Waiting for a fraction of the queue counts only requests the back end can see. */
static void test_fraction_counts_published_requests(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 4; i++)
		produce(i);
	ring_push_requests_and_check_notify(&front);
	for (uint32_t i = 0; i < 16; i++)
		produce(10 + i);   /* queued, not pushed */
	assert_int_equal(ring_final_check_for_responses_fraction(&front, 4), 0);
	assert_int_equal(shared->rsp_event, 1);   /* a quarter of 4, not of 20 */
	ring_push_requests_and_check_notify(&front);
	assert_int_equal(ring_final_check_for_responses_fraction(&front, 4), 0);
	assert_int_equal(shared->rsp_event, 5);   /* a quarter of 20 */
	for (uint32_t i = 0; i < 4; i++) {
		consume_request();
		respond(i);
	}
	assert_false(ring_push_responses_and_check_notify(&back));
	consume_request();
	respond(4);
	assert_true(ring_push_responses_and_check_notify(&back));
}

/* Free-running indices wrap at 2^32 without harm. */
static void test_index_wraparound(void **state)
{
	(void)state;
	uint32_t start = UINT32_MAX - 5;
	shared->req_prod = shared->rsp_prod = start;
	shared->req_event = shared->rsp_event = start + 1;
	front.req_prod_pvt = front.rsp_cons = start;
	ring_back_init(&back, shared, front.nr_slots, SLOT);
	for (uint32_t i = 0; i < 20; i++)
		produce(i);
	assert_true(ring_push_requests_and_check_notify(&front));
	assert_int_equal(ring_unconsumed_requests(&back), 20);
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(consume_request(), i);
}

/* Hostile front ends: indices cannot make the back end read outside the ring. */
static void test_producer_jumps_ahead(void **state)
{
	(void)state;
	shared->req_prod = back.req_cons + back.nr_slots + 1;
	assert_int_equal(ring_unconsumed_requests(&back), -1);
	shared->req_prod = back.req_cons - 1;   /* "behind" the consumer: a huge jump ahead */
	assert_int_equal(ring_unconsumed_requests(&back), -1);
	shared->req_prod = back.req_cons + back.nr_slots;   /* exactly a full ring is fine */
	assert_int_equal(ring_unconsumed_requests(&back), back.nr_slots);
}

static void test_slots_are_masked(void **state)
{
	(void)state;
	uint8_t *first = ring_slot(shared, 64, SLOT, 0);
	uint8_t *last = ring_slot(shared, 64, SLOT, 63);
	for (uint32_t idx = 0; idx < 1000; idx += 7) {
		uint8_t *p = ring_slot(shared, 64, SLOT, idx * 0x9e3779b9u);
		assert_true(p >= first && p <= last);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_count),
		cmocka_unit_test_setup_teardown(test_requests_and_responses_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notification_suppression, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_check_sees_late_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fraction_counts_published_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_wraparound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_producer_jumps_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_are_masked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
