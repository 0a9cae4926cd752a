/* Unit tests of suite files (bench/vmbench/suite.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "options.h"
#include "suite.h"

static char path[64];
static char err[512];

/* Write text to a fresh temporary file named in `path`. */
static void write_suite(const char *text)
{
	strcpy(path, "/tmp/test_vmbench_suite.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
}

static int load(const char *text, struct suite *s)
{
	write_suite(text);
	int rc = suite_load(path, s, err, sizeof(err));
	unlink(path);
	return rc;
}

static void test_full_suite(void **state)
{
	struct suite s;
	(void)state;
	assert_int_equal(load("{\"name\":\"q\",\"reps\":3,\"warmup\":2,\"timeout_s\":9,"
		"\"envs\":[\"native\",\"vm\"],\"cells\":["
		"{\"workload\":\"cpu\",\"params\":[\"--size\",\"256\"],\"cpus\":2,\"mem\":\"1G\"},"
		"{\"workload\":\"hypercall\",\"envs\":[\"vm\"]}]}", &s), 0);
	assert_string_equal(s.name, "q");
	assert_int_equal(s.reps, 3);
	assert_int_equal(s.warmup, 2);
	assert_int_equal(s.timeout_s, 9);
	assert_int_equal(s.ncells, 2);
	assert_string_equal(s.cells[0].label, "cpu --size 256");
	assert_int_equal(s.cells[0].nparams, 2);
	assert_null(s.cells[0].params[2]);
	assert_int_equal(s.cells[0].cpus, 2);
	assert_true(s.cells[0].mem_bytes == 1ULL << 30);
	assert_string_equal(s.cells[0].envs[1], "vm");
	assert_null(s.cells[0].envs[2]);
	assert_string_equal(s.cells[1].envs[0], "vm");
	assert_null(s.cells[1].envs[1]);
	suite_free(&s);
}

static void test_defaults(void **state)
{
	struct suite s;
	(void)state;
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"mem\"}]}", &s), 0);
	assert_int_equal(s.reps, 5);
	assert_int_equal(s.warmup, 1);
	assert_int_equal(s.timeout_s, 300);
	assert_int_equal(s.cells[0].cpus, 1);
	assert_string_equal(s.cells[0].mem, "512M");
	assert_string_equal(s.cells[0].label, "mem");
	assert_string_equal(s.cells[0].envs[0], "native");
	assert_string_equal(s.cells[0].envs[1], "vm");
	suite_free(&s);
}

static void test_errors(void **state)
{
	struct suite s;
	(void)state;
	assert_int_equal(load("{\"name\":\"x\",\"cels\":[]}", &s), -1);
	assert_non_null(strstr(err, "unknown key 'cels'"));
	assert_int_equal(load("{\"name\":\"x\",\"cells\":[]}", &s), -1);
	assert_non_null(strstr(err, "non-empty"));
	assert_int_equal(load("{\"name\":\"x\",\"cells\":[{\"workload\":\"cpu\",\"mem\":\"lots\"}]}", &s), -1);
	assert_non_null(strstr(err, "mem"));
	assert_int_equal(load("{\"name\":\"x\",\"reps\":0,\"cells\":[{\"workload\":\"cpu\"}]}", &s), -1);
	assert_non_null(strstr(err, "reps"));
	assert_int_equal(load("{\"name\":\"x\",\"cells\":[{\"workload\":\"cpu\",\"params\":[1]}]}", &s), -1);
	assert_int_equal(load("{\"name\":\"x\",\"cells\":[{\"workload\":\"cpu\",\"cpus\":\"2\"}]}", &s), -1);
	assert_int_equal(load("{\"cells\":[{\"workload\":\"cpu\"}]}", &s), -1);
	assert_non_null(strstr(err, "name"));
	assert_int_equal(load("{\"name\":\"x\",", &s), -1);
	assert_int_equal(load("[]", &s), -1);
	assert_int_equal(suite_load("/nonexistent/suite.json", &s, err, sizeof(err)), -1);
}

static void test_parse_size(void **state)
{
	uint64_t b;
	(void)state;
	assert_int_equal(parse_size("512M", &b), 0);
	assert_true(b == 512ULL << 20);
	assert_int_equal(parse_size("2g", &b), 0);
	assert_true(b == 2ULL << 30);
	assert_int_equal(parse_size("4096K", &b), 0);
	assert_true(b == 4096ULL << 10);
	assert_int_equal(parse_size("1048576", &b), 0);
	assert_true(b == 1048576);
	assert_int_equal(parse_size("", &b), -1);
	assert_int_equal(parse_size("0", &b), -1);
	assert_int_equal(parse_size("-1M", &b), -1);
	assert_int_equal(parse_size("12MB", &b), 0);   /* the one grammar: lwvmm/options.c */
	assert_int_equal(b, 12ULL << 20);
	assert_int_equal(parse_size("12MX", &b), -1);
	assert_int_equal(parse_size("99999999999999999999G", &b), -2);
	assert_int_equal(parse_size(NULL, &b), -1);
}

/* A cell's "net" key: true or false, nothing else. */
static void test_suite_net_key(void **state)
{
	struct suite s;
	(void)state;
	assert_int_equal(load("{\"name\":\"n\",\"cells\":[{\"workload\":\"net\",\"net\":true},"
			      "{\"workload\":\"cpu\"}]}", &s), 0);
	assert_int_equal(s.cells[0].net, 1);
	assert_int_equal(s.cells[1].net, 0);
	suite_free(&s);
	assert_int_equal(load("{\"name\":\"n\",\"cells\":[{\"workload\":\"net\",\"net\":\"yes\"}]}",
			      &s), -1);
	assert_non_null(strstr(err, "'net' must be true or false"));
}

/* disk_opts: "ro" or "ro,share", with a disk, in env vm alone; the label names it */
static void test_suite_disk_opts(void **state)
{
	struct suite s;
	(void)state;
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\",\"disk\":\"64M\","
			      "\"disk_opts\":\"ro,share\",\"envs\":[\"vm\"],\"lwvmm_args\":[\"--domains\",\"2\"]}]}", &s), 0);
	assert_string_equal(s.cells[0].disk_opts, "ro,share");
	assert_string_equal(s.cells[0].label, "dataset [lwvmm --domains 2 --disk ,ro,share]");
	suite_free(&s);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\",\"disk\":\"64M\","
			      "\"disk_opts\":\"ro\",\"envs\":[\"vm\"]}]}", &s), 0);
	assert_string_equal(s.cells[0].label, "dataset [lwvmm --disk ,ro]");
	suite_free(&s);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\",\"disk\":\"64M\","
			      "\"disk_opts\":\"rw\",\"envs\":[\"vm\"]}]}", &s), -1);
	assert_non_null(strstr(err, "'disk_opts' must be"));
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\","
			      "\"disk_opts\":\"ro\",\"envs\":[\"vm\"]}]}", &s), -1);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\",\"disk\":\"64M\","
			      "\"disk_opts\":\"ro\",\"envs\":[\"native\"]}]}", &s), -1);
	assert_non_null(strstr(err, "env vm alone"));
}

/* instances: 1 to 64 copies under fanout, native and vm only; the label names them */
static void test_suite_instances(void **state)
{
	struct suite s;
	(void)state;
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\",\"disk\":\"64M\","
			      "\"instances\":4,\"envs\":[\"native\"]}]}", &s), 0);
	assert_int_equal(s.cells[0].instances, 4);
	assert_string_equal(s.cells[0].label, "dataset [instances 4]");
	suite_free(&s);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"dataset\",\"disk\":\"64M\","
			      "\"disk_opts\":\"ro,share\",\"instances\":8,\"envs\":[\"vm\"]}]}", &s), 0);
	assert_string_equal(s.cells[0].label, "dataset [lwvmm --disk ,ro,share] [instances 8]");
	suite_free(&s);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"cpu\"}]}", &s), 0);
	assert_int_equal(s.cells[0].instances, 0);
	suite_free(&s);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"cpu\",\"instances\":65}]}", &s), -1);
	assert_non_null(strstr(err, "'instances' must be from 1 to 64"));
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"cpu\",\"instances\":0}]}", &s), -1);
	assert_int_equal(load("{\"name\":\"d\",\"cells\":[{\"workload\":\"cpu\",\"instances\":2,"
			      "\"envs\":[\"container\"]}]}", &s), -1);
	assert_non_null(strstr(err, "native and vm only"));
}

/* --workloads: a subset of the cells, in the suite's order; unknown names refused */
static void test_keep_workloads(void **state)
{
	static const char *const text = "{\"name\":\"q\",\"envs\":[\"native\"],\"cells\":["
		"{\"workload\":\"cpu\",\"cpus\":1},{\"workload\":\"mem\",\"cpus\":1},"
		"{\"workload\":\"memlat\"},{\"workload\":\"cpu\",\"cpus\":2}]}";
	struct suite s;
	(void)state;
	assert_int_equal(load(text, &s), 0);
	assert_int_equal(suite_keep_workloads(&s, "cpu,memlat", err, sizeof(err)), 0);
	assert_int_equal(s.ncells, 3);
	assert_string_equal(s.cells[0].workload, "cpu");
	assert_string_equal(s.cells[1].workload, "memlat");
	assert_string_equal(s.cells[2].workload, "cpu");
	assert_int_equal(s.cells[2].cpus, 2);
	suite_free(&s);

	/* "mem" is not a prefix match of "memlat", and an unknown name changes nothing */
	assert_int_equal(load(text, &s), 0);
	assert_int_equal(suite_keep_workloads(&s, "mem", err, sizeof(err)), 0);
	assert_int_equal(s.ncells, 1);
	suite_free(&s);
	assert_int_equal(load(text, &s), 0);
	assert_int_equal(suite_keep_workloads(&s, "cpu,memcpy", err, sizeof(err)), -1);
	assert_string_equal(err, "suite q has no cell of workload 'memcpy' (its workloads: cpu, mem, memlat)");
	assert_int_equal(s.ncells, 4);
	suite_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_suite),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_suite_net_key),
		cmocka_unit_test(test_suite_disk_opts),
		cmocka_unit_test(test_suite_instances),
		cmocka_unit_test(test_keep_workloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
