/* Unit tests of vmbench-tool's parsers of fio JSON, iperf3 JSON and stress-ng YAML. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tool.h"

static char err[256];   /* where every parse below writes why it failed */

static double metric(const struct tool_result *r, const char *key)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->m[i].key, key))
			return r->m[i].value;
	return -1;
}

/* A parse that worked: 0, and its score (within eps) in unit. */
static void assert_parsed(int rc, const struct tool_result *r, double score, double eps,
			  const char *unit)
{
	assert_int_equal(rc, 0);
	assert_float_equal(r->score, score, eps);
	assert_string_equal(r->unit, unit);
}

/* A parse that failed: -1, and err says needle (NULL: whatever it says). */
static void assert_fails(int rc, const char *needle)
{
	assert_int_equal(rc, -1);
	if (needle)
		assert_non_null(strstr(err, needle));
}

static const char fio_ok[] =
	"fio: this line is noise before the JSON\n"
	"{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"randrw\",\"error\":0,"
	"\"read\":{\"bw\":44445,\"iops\":11111.5,\"total_ios\":33345,"
	"\"clat_ns\":{\"percentile\":{\"99.000000\":146432}}},"
	"\"write\":{\"bw\":100,\"iops\":25.0,\"total_ios\":75,"
	"\"clat_ns\":{\"percentile\":{\"99.000000\":2000}}}}]}";

static void test_fio(void **state)
{
	struct tool_result r;
	(void)state;

	assert_parsed(fio_parse(fio_ok, &r, err, sizeof(err)), &r, 11136.5, 1e-9, "IOPS");
	assert_float_equal(metric(&r, "read_clat_p99_us"), 146.432, 1e-9);
	assert_float_equal(metric(&r, "read_kibs"), 44445, 1e-9);
}

static void test_fio_errors(void **state)
{
	struct tool_result r;
	(void)state;

	assert_fails(fio_parse("{\"jobs\":[{\"error\":2,\"read\":{},\"write\":{}}]}",
			       &r, err, sizeof(err)), "error 2");
	assert_fails(fio_parse("{\"jobs\":[{\"error\":0,\"read\":{\"total_ios\":0},"
			       "\"write\":{\"total_ios\":0}}]}", &r, err, sizeof(err)), "no I/O");
	assert_fails(fio_parse("fio: file open failed\n", &r, err, sizeof(err)), NULL);
	assert_fails(fio_parse(NULL, &r, err, sizeof(err)), NULL);
}

static void test_iperf3(void **state)
{
	struct tool_result r;
	const char *ok = "{\"start\":{},\"intervals\":[],\"end\":{"
		"\"sum_sent\":{\"seconds\":2.0,\"bits_per_second\":2.0e10,\"retransmits\":4},"
		"\"sum_received\":{\"seconds\":2.0,\"bits_per_second\":1.9e10},"
		"\"cpu_utilization_percent\":{\"host_total\":80.5,\"remote_total\":40.0}}}";
	(void)state;

	assert_parsed(iperf3_parse(ok, &r, err, sizeof(err)), &r, 19.0, 1e-9, "Gbit/s");
	assert_float_equal(metric(&r, "retransmits"), 4, 1e-9);
	assert_float_equal(metric(&r, "cpu_host_pct"), 80.5, 1e-9);
}

static void test_iperf3_error_with_exit_0(void **state)
{
	struct tool_result r;
	(void)state;

	/* esnet/iperf#1405: -J exits 0 and reports the failure here */
	assert_fails(iperf3_parse("{\"start\":{},\"end\":{},\"error\":\"unable to connect "
				  "to server: Connection refused\"}", &r, err, sizeof(err)),
		     "Connection refused");
	assert_fails(iperf3_parse("{\"end\":{}}", &r, err, sizeof(err)), NULL);
}

static const char yaml_ok[] =
	"---\nsystem-info:\n      stress-ng-version: 0.15.06\n"
	"metrics:\n"
	"    - stressor: cpu\n      bogo-ops: 10\n      bogo-ops-per-second-real-time: 5.0\n"
	"    - stressor: switch\n      bogo-ops: 299271\n"
	"      bogo-ops-per-second-real-time: 299143.548694\n      wall-clock-time: 1.000426\n"
	"      max-rss: 2420\n      nanosecs-per-context-switch-pipe-method: 3340.467590\n"
	"...\n";

static void test_stressng(void **state)
{
	struct tool_result r;
	(void)state;

	assert_parsed(stressng_parse(yaml_ok, "switch", &r, err, sizeof(err)), &r,
		      299143.548694, 1e-6, "bogo-ops/s");
	assert_float_equal(metric(&r, "bogo_ops"), 299271, 1e-9);
	assert_float_equal(metric(&r, "nanosecs_per_context_switch_pipe_method"), 3340.46759, 1e-6);
	assert_int_equal(stressng_parse(yaml_ok, "cpu", &r, err, sizeof(err)), 0);
	assert_float_equal(r.score, 5.0, 1e-9);
}

static void test_stressng_errors(void **state)
{
	struct tool_result r;
	(void)state;

	assert_fails(stressng_parse(yaml_ok, "vm", &r, err, sizeof(err)),
		     "no metrics for stressor vm");
	/* "successful run" with no work: a cgroup starved it (shared/TOOLS.md) */
	assert_fails(stressng_parse("metrics:\n  - stressor: vm\n    bogo-ops: 0\n"
				    "    bogo-ops-per-second-real-time: 0\n", "vm", &r, err,
				    sizeof(err)), "0 bogo ops");
	/* with -q there is no metrics: section */
	assert_fails(stressng_parse("system-info:\n  x: 1\n", "cpu", &r, err, sizeof(err)), NULL);
	assert_fails(stressng_parse("metrics: [unclosed\n", "cpu", &r, err, sizeof(err)), "bad YAML");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fio),
		cmocka_unit_test(test_fio_errors),
		cmocka_unit_test(test_iperf3),
		cmocka_unit_test(test_iperf3_error_with_exit_0),
		cmocka_unit_test(test_stressng),
		cmocka_unit_test(test_stressng_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
