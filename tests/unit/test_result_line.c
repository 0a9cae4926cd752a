/* Unit tests of the result-line parser (bench/vmbench/result_line.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "result_line.h"

static struct result_line r;
static char err[256];

static void test_good_cpu_line(void **state)
{
	(void)state;
	assert_int_equal(result_line_parse("result workload=cpu ok=1 score=12.34 "
		"score_unit=Mrays/s time_s=0.52 checksum=3735928559 threads=1 size=256\n",
		&r, err, sizeof(err)), 0);
	assert_string_equal(r.workload, "cpu");
	assert_string_equal(r.score_unit, "Mrays/s");
	assert_int_equal(r.ok, 1);
	assert_true(r.score == 12.34);
	assert_non_null(result_line_get(&r, "checksum"));
	assert_true(*result_line_get(&r, "checksum") == 3735928559.0);
	assert_true(*result_line_get(&r, "size") == 256);
	assert_null(result_line_get(&r, "nonexistent"));
}

static void test_failed_check_and_cr(void **state)
{
	(void)state;
	assert_int_equal(result_line_parse("result workload=mem ok=0 score=1e3 "
		"score_unit=MB/s copy_mbs=-0.5\r\n", &r, err, sizeof(err)), 0);
	assert_int_equal(r.ok, 0);
	assert_true(r.score == 1000);
	assert_true(*result_line_get(&r, "copy_mbs") == -0.5);
}

static void test_missing_fields(void **state)
{
	(void)state;
	assert_int_equal(result_line_parse("result workload=cpu ok=1 score_unit=x",
		&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no score"));
	assert_int_equal(result_line_parse("result ok=1 score=1 score_unit=x",
		&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no workload"));
	assert_int_equal(result_line_parse("result workload=a score=1 score_unit=x",
		&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no ok"));
	assert_int_equal(result_line_parse("result workload=a ok=1 score=1",
		&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no score_unit"));
}

static void test_bad_numbers(void **state)
{
	(void)state;
	const char *bad[] = {
		"result workload=a ok=1 score=12x score_unit=u",
		"result workload=a ok=1 score=abc score_unit=u",
		"result workload=a ok=1 score=nan score_unit=u",
		"result workload=a ok=1 score=inf score_unit=u",
		"result workload=a ok=1 score=1e999 score_unit=u",
		"result workload=a ok=2 score=1 score_unit=u",
		"result workload=a ok=1 score= score_unit=u",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(result_line_parse(bad[i], &r, err, sizeof(err)), -1);
}

static void test_garbage(void **state)
{
	(void)state;
	const char *bad[] = {
		"",
		"result",
		"results workload=a ok=1 score=1 score_unit=u",
		"hello world",
		"result workload=a ok=1 score=1 score_unit=u junk",
		"result workload=a ok=1 score=1 score_unit=u Bad=1",
		"result workload=a ok=1 score=1 score_unit=u =1",
		"result workload=a ok=1 score=1 score_unit=u k-y=1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(result_line_parse(bad[i], &r, err, sizeof(err)), -1);
}

static void test_overlong_line(void **state)
{
	char line[RESULT_LINE_MAX + 64];
	(void)state;
	strcpy(line, "result workload=a ok=1 score=1 score_unit=u pad=");
	size_t len = strlen(line);
	memset(line + len, '1', sizeof(line) - len - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(result_line_parse(line, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer"));

	char key[RESULT_KEY_MAX + 10];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(line, sizeof(line), "result workload=a ok=1 score=1 score_unit=u %s=1", key);
	assert_int_equal(result_line_parse(line, &r, err, sizeof(err)), -1);
}

static void test_too_many_metrics(void **state)
{
	char line[RESULT_LINE_MAX];
	(void)state;
	int n = snprintf(line, sizeof(line), "result workload=a ok=1 score=1 score_unit=u");
	for (int i = 0; i < RESULT_MAX_METRICS; i++)
		n += snprintf(line + n, sizeof(line) - n, " m%d=%d", i, i);
	assert_int_equal(result_line_parse(line, &r, err, sizeof(err)), -1);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	assert_int_equal(result_line_parse("result workload=a ok=1 score=1 score=2 score_unit=u",
		&r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "duplicate"));
	assert_int_equal(result_line_parse("result workload=a workload=b ok=1 score=1 score_unit=u",
		&r, err, sizeof(err)), -1);
	assert_int_equal(result_line_parse("result workload=a ok=1 score=1 score_unit=u score_unit=v",
		&r, err, sizeof(err)), -1);
}

/* lwvmm --domains: the domains' lines together (score summed, ok all, one checksum). */
static void test_find_domains(void **state)
{
	(void)state;
	assert_int_equal(result_line_find("lwvmm: starting\n"
		"d0: result workload=dataset ok=1 score=10 score_unit=MB/s checksum=7 time_s=1\n"
		"d1: result workload=dataset ok=1 score=12.5 score_unit=MB/s checksum=7 time_s=2\n",
		&r, err, sizeof(err)), 0);
	assert_int_equal(r.ok, 1);
	assert_true(r.score == 22.5);
	assert_true(*result_line_get(&r, "score") == 22.5);
	assert_true(*result_line_get(&r, "domains") == 2);
	assert_true(*result_line_get(&r, "time_s") == 1);   /* the first domain's */
	assert_int_equal(result_line_find("d0: result workload=dataset ok=1 score=1 score_unit=MB/s checksum=7\n"
		"d1: result workload=dataset ok=1 score=1 score_unit=MB/s checksum=8\n", &r, err, sizeof(err)), 0);
	assert_int_equal(r.ok, 0);   /* another checksum */
	assert_true(*result_line_get(&r, "ok") == 0);
	assert_int_equal(result_line_find("d0: result workload=dataset ok=1 score=1 score_unit=MB/s\n"
		"d1: result workload=dataset ok=0 score=1 score_unit=MB/s\n", &r, err, sizeof(err)), 0);
	assert_int_equal(r.ok, 0);
	assert_int_equal(result_line_find("d0: result workload=dataset ok=1 score=x score_unit=MB/s\n",
		&r, err, sizeof(err)), -1);
	assert_int_equal(result_line_find("Bad Name: result workload=cpu ok=1 score=1 score_unit=x\n",
		&r, err, sizeof(err)), -1);
}

static void test_find_takes_last_line(void **state)
{
	(void)state;
	const char *out = "booting\nresult workload=a ok=0 score=1 score_unit=u\n"
		"noise result workload=x\nresult workload=b ok=1 score=2 score_unit=u\nbye\n";
	assert_int_equal(result_line_find(out, &r, err, sizeof(err)), 0);
	assert_string_equal(r.workload, "b");
	assert_true(r.score == 2);
	assert_int_equal(result_line_find("nothing here\n", &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no result line"));
	assert_int_equal(result_line_find("", &r, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_cpu_line),
		cmocka_unit_test(test_failed_check_and_cr),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_too_many_metrics),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_find_takes_last_line),
		cmocka_unit_test(test_find_domains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
