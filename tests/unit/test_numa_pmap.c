/* numa-policy/pmap: Disco's per-VM page map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pmap.h"

static void test_create(void **state)
{
	(void)state;
	struct pmap *pm = pmap_create(1 << 20, 2);   /* a 4 GiB VM */

	assert_non_null(pm);
	assert_int_equal(pmap_bytes_per_page(2), 24);
	assert_int_equal(pmap_bytes_per_page(4), 32);
	assert_int_equal(pmap_pages(pm), 1 << 20);
	assert_int_equal(pmap_home(pm, 12345), 0);
	assert_int_equal(pmap_state(pm, 12345), PAGE_PRIVATE);
	pmap_set_home(pm, 1 << 19, 1 << 19, 1);
	assert_int_equal(pmap_home(pm, (1 << 19) - 1), 0);
	assert_int_equal(pmap_home(pm, 1 << 19), 1);
	assert_int_equal(pmap_home(pm, (1 << 20) - 1), 1);
	pmap_destroy(pm);
	assert_null(pmap_create(16, 0));
	assert_null(pmap_create(16, 17));
	assert_null(pmap_create(0, 2));
}

static void test_counts_and_decay(void **state)
{
	(void)state;
	struct pmap *pm = pmap_create(8, 2);

	for (int i = 0; i < 6; i++)
		pmap_count(pm, 3, 1, 0);
	pmap_count(pm, 3, 1, 1);
	pmap_count(pm, 3, 0, 1);
	pmap_count(pm, 3, 0, 1);
	assert_int_equal(pmap_reads(pm, 3, 1), 6);
	assert_int_equal(pmap_writes(pm, 3, 1), 1);
	assert_int_equal(pmap_writes(pm, 3, 0), 2);
	assert_int_equal(pmap_reads(pm, 3, 0), 0);
	assert_int_equal(pmap_reads(pm, 2, 1), 0);   /* neighbours untouched */
	assert_int_equal(pmap_reads(pm, 4, 0), 0);
	pmap_decay(pm, 1);
	assert_int_equal(pmap_reads(pm, 3, 1), 3);
	assert_int_equal(pmap_writes(pm, 3, 1), 0);
	assert_int_equal(pmap_writes(pm, 3, 0), 1);
	pmap_decay(pm, 16);
	assert_int_equal(pmap_reads(pm, 3, 1), 0);
	for (int i = 0; i < 70000; i++)
		pmap_count(pm, 7, 1, 0);
	assert_int_equal(pmap_reads(pm, 7, 1), 65535);   /* saturates */
	pmap_destroy(pm);
}

static void test_moves_and_replicas(void **state)
{
	(void)state;
	struct pmap *pm = pmap_create(1000, 3);
	uint64_t frame, states[4];

	assert_int_equal(pmap_note_migrated(pm, 5, 2), 0);
	assert_int_equal(pmap_home(pm, 5), 2);
	assert_int_equal(pmap_state(pm, 5), PAGE_MIGRATED);
	assert_int_equal(pmap_moves(pm, 5), 1);
	assert_int_equal(pmap_note_migrated(pm, 5, 3), -1);

	assert_int_equal(pmap_note_replica(pm, 9, 0, 0xaaa), -1);   /* the home */
	assert_int_equal(pmap_note_replica(pm, 9, 1, 0xb1), 0);
	assert_int_equal(pmap_note_replica(pm, 9, 2, 0xb2), 0);
	assert_int_equal(pmap_state(pm, 9), PAGE_REPLICATED);
	assert_int_equal(pmap_moves(pm, 9), 1);                        /* one replication */
	assert_int_equal(pmap_replica_nodes(pm, 9), 6);
	assert_int_equal(pmap_replica_frame(pm, 9, 2, &frame), 0);
	assert_int_equal(frame, 0xb2);
	assert_int_equal(pmap_replica_frame(pm, 9, 0, &frame), -1);
	assert_int_equal(pmap_note_migrated(pm, 9, 1), -1);           /* collapse first */

	/* Many replicated pages grow the frame pool; a collapsed slot is reused. */
	for (uint64_t p = 100; p < 400; p++)
		assert_int_equal(pmap_note_replica(pm, p, 1, p * 10), 0);
	for (uint64_t p = 100; p < 400; p++) {
		assert_int_equal(pmap_replica_frame(pm, p, 1, &frame), 0);
		assert_int_equal(frame, p * 10);
	}
	pmap_note_collapsed(pm, 9);
	assert_int_equal(pmap_state(pm, 9), PAGE_PRIVATE);
	assert_int_equal(pmap_replica_nodes(pm, 9), 0);
	assert_int_equal(pmap_replica_frame(pm, 9, 1, &frame), -1);
	assert_int_equal(pmap_note_replica(pm, 500, 2, 0xc2), 0);
	assert_int_equal(pmap_replica_frame(pm, 500, 2, &frame), 0);
	assert_int_equal(frame, 0xc2);
	assert_int_equal(pmap_replica_frame(pm, 399, 1, &frame), 0);
	assert_int_equal(frame, 3990);
	assert_int_equal(pmap_replica_frame(pm, 100, 1, &frame), 0);
	assert_int_equal(frame, 1000);

	pmap_note_collapsed(pm, 100);
	assert_int_equal(pmap_note_migrated(pm, 100, 2), 0);
	assert_int_equal(pmap_note_replica(pm, 100, 0, 1), 0);
	pmap_note_collapsed(pm, 100);
	assert_int_equal(pmap_state(pm, 100), PAGE_MIGRATED);   /* it was migrated before */
	assert_int_equal(pmap_moves(pm, 100), 3);
	pmap_count_states(pm, states);
	assert_int_equal(states[PAGE_MIGRATED], 2);       /* pages 5 and 100 */
	assert_int_equal(states[PAGE_REPLICATED], 300);   /* 101-399 and 500 */
	assert_int_equal(states[PAGE_PRIVATE], 698);
	assert_int_equal(states[PAGE_WRITE_SHARED], 0);
	pmap_destroy(pm);
}

static void test_mappings(void **state)
{
	(void)state;
	struct pmap *pm = pmap_create(64, 2);
	int vcpu, seen = 0;
	uint64_t pte;

	assert_int_equal(pmap_map_first(pm, 7), 0);
	for (int v = 0; v < 4; v++)
		assert_int_equal(pmap_add_mapping(pm, 7, v, 0x10000 + v * 8), 0);
	for (int p = 0; p < 64; p++)        /* grows the pool past its first 256 */
		for (int v = 0; v < 4; v++)
			assert_int_equal(pmap_add_mapping(pm, p == 7 ? 8 : p, v, 0x20000 + p * 8), 0);
	for (uint32_t m = pmap_map_first(pm, 7); m; m = pmap_map_next(pm, m)) {
		pmap_map_get(pm, m, &vcpu, &pte);
		assert_int_equal(pte, 0x10000 + vcpu * 8);
		seen |= 1 << vcpu;
	}
	assert_int_equal(seen, 15);
	assert_int_equal(pmap_remove_mapping(pm, 7, 2, 0x10000 + 16), 0);
	assert_int_equal(pmap_remove_mapping(pm, 7, 2, 0x10000 + 16), -1);
	assert_int_equal(pmap_remove_mapping(pm, 7, 1, 0x10000 + 16), -1);   /* not vCPU 1's */
	seen = 0;
	for (uint32_t m = pmap_map_first(pm, 7); m; m = pmap_map_next(pm, m)) {
		pmap_map_get(pm, m, &vcpu, &pte);
		seen |= 1 << vcpu;
	}
	assert_int_equal(seen, 11);
	assert_int_equal(pmap_add_mapping(pm, 9, 3, 0x999), 0);   /* reuses the freed entry */
	pmap_map_get(pm, pmap_map_first(pm, 9), &vcpu, &pte);
	assert_int_equal(vcpu, 3);
	assert_int_equal(pte, 0x999);
	pmap_destroy(pm);
}

static void test_marks(void **state)
{
	(void)state;
	struct pmap *pm = pmap_create(4, 1);

	assert_int_equal(pmap_test_and_mark(pm, 2), 0);
	assert_int_equal(pmap_test_and_mark(pm, 2), 1);
	pmap_note_migrated(pm, 2, 0);
	assert_int_equal(pmap_test_and_mark(pm, 2), 1);
	pmap_unmark(pm, 2);
	assert_int_equal(pmap_test_and_mark(pm, 2), 0);
	pmap_destroy(pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_counts_and_decay),
		cmocka_unit_test(test_moves_and_replicas),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_marks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
