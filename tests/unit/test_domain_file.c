/* The domain file's parser (lwvmm/domain_file.c): good files, and one clear message for each mistake. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "domain_file.h"

static const char *const workloads[] = { "cpu", "mem", "selftest", NULL };
static const struct domain_limits lim = {
	.max_domains = 4, .max_cpus = 8, .min_mem = 16ULL << 20, .max_mem = 4ULL << 30,
	.mem_align = 2ULL << 20, .workloads = workloads,
};

static int parse(const char *text, struct domain_spec **out, char *why)
{
	return domain_file_parse(text, strlen(text), &lim, out, why, 300);
}

static void test_good_file(void **state)
{
	(void)state;
	struct domain_spec *d;
	char why[300];
	int n = parse("[{\"name\":\"web\",\"cpus\":2,\"mem\":\"64M\",\"workload\":\"cpu\",\"args\":[\"--size\",\"9\"],"
		      "\"disk\":\"a.img,ro\",\"net\":\"tap\"},"
		      "{\"name\":\"db\",\"workload\":\"mem\",\"mem\":33554432}]", &d, why);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].name, "web");
	assert_int_equal(d[0].ncpus, 2);
	assert_int_equal(d[0].mem_size, 64ULL << 20);
	assert_string_equal(d[0].workload, "cpu");
	assert_int_equal(d[0].argc, 2);
	assert_string_equal(d[0].argv[1], "9");
	assert_null(d[0].argv[2]);
	assert_string_equal(d[0].disk, "a.img,ro");
	assert_string_equal(d[0].net, "tap");
	/* the defaults */
	assert_int_equal(d[1].ncpus, 1);
	assert_int_equal(d[1].mem_size, 32ULL << 20);
	assert_int_equal(d[1].argc, 0);
	assert_null(d[1].argv[0]);
	assert_null(d[1].disk);
	domain_specs_free(d, n);

	n = parse("{\"domains\":[{\"name\":\"a\",\"workload\":\"selftest\"}]}", &d, why);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].mem_size, 256ULL << 20);
	domain_specs_free(d, n);
}

/* Each bad file: -1, nothing allocated, and a message with `want` in it. */
static void bad(const char *text, const char *want)
{
	struct domain_spec *d = (void *)1;
	char why[300] = "";

	assert_int_equal(parse(text, &d, why), -1);
	assert_null(d);
	if (!strstr(why, want))
		fail_msg("for %s: message '%s' lacks '%s'", text, why, want);
}

static void test_mistakes(void **state)
{
	(void)state;
	bad("[]", "empty");
	bad("{\"domains\":[]}", "empty");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"cpux\":2}]", "unknown key \"cpux\"");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"cpus\":9}]", "domain 'a' (#1): \"cpus\"");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"cpus\":0}]", "\"cpus\"");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"cpus\":\"2\"}]", "\"cpus\"");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"mem\":\"3M\"}]", "\"mem\" is impossible");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"mem\":\"17M\"}]", "\"mem\" is impossible");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"mem\":\"99T\"}]", "\"mem\" is impossible");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"mem\":\"lots\"}]", "\"mem\" is not a size");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"mem\":-5}]", "\"mem\"");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\"},{\"name\":\"a\",\"workload\":\"mem\"}]",
	    "domain 'a' (#2): the name is already domain #1's");
	bad("[{\"workload\":\"cpu\"}]", "domain #1: \"name\" is missing");
	bad("[{\"name\":\"a b\",\"workload\":\"cpu\"}]", "\"name\" must be");
	bad("[{\"name\":\"a\"}]", "\"workload\" is missing");
	bad("[{\"name\":\"a\",\"workload\":\"nosuch\"}]", "not a known workload");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"args\":[1]}]", "\"args\" must be a list of strings");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"disk\":\"\"}]", "\"disk\" must be");
	bad("[1]", "must be an object");
	bad("{\"domain\":[]}", "unknown top-level key \"domain\"");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\",\"name\":\"b\"}]", "not valid JSON");
	bad("[{", "not valid JSON");
	bad("[{\"name\":\"a\",\"workload\":\"cpu\"},{\"name\":\"b\",\"workload\":\"cpu\"},"
	    "{\"name\":\"c\",\"workload\":\"cpu\"},{\"name\":\"d\",\"workload\":\"cpu\"},"
	    "{\"name\":\"e\",\"workload\":\"cpu\"}]", "at most 4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_mistakes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
