/* Unit tests of the OCI config.json that ctrun writes (baselines/containers/oci_config.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ctrun.h"

static json_t *path(json_t *o, const char *a, const char *b, const char *c)
{
	o = json_object_get(o, a);
	if (b)
		o = json_object_get(o, b);
	if (c)
		o = json_object_get(o, c);
	return o;
}

static struct ct_spec spec(void)
{
	static char *argv[] = { "/bin/ctstamp", "workload", "cpu", NULL };
	static const char *env[] = { "VMBENCH_PEER=10.231.0.1", NULL };

	return (struct ct_spec){
		.id = "vmb-42", .rootfs = "/cache/rootfs-1", .scratch = "/tmp/s",
		.argv = argv, .env = env, .cpus = 2, .cpuset = "2-3",
		.mem_bytes = 512ULL << 20, .pids_limit = 100,
	};
}

static void test_limits(void **state)
{
	struct ct_spec s = spec();
	json_t *c = oci_config(&s), *res;
	(void)state;

	assert_non_null(c);
	res = path(c, "linux", "resources", NULL);
	assert_string_equal(json_string_value(path(res, "cpu", "cpus", NULL)), "2-3");
	assert_int_equal(json_integer_value(path(res, "memory", "limit", NULL)), 512 << 20);
	assert_int_equal(json_integer_value(path(res, "memory", "swap", NULL)), 512 << 20);
	assert_int_equal(json_integer_value(path(res, "pids", "limit", NULL)), 100);
	assert_string_equal(json_string_value(path(c, "linux", "cgroupsPath", NULL)), "/vmb-42");
	json_decref(c);
}

static void test_process_and_root(void **state)
{
	struct ct_spec s = spec();
	json_t *c = oci_config(&s), *args, *env;
	int peer = 0, tmpdir = 0;
	size_t i;
	json_t *v;
	(void)state;

	assert_true(json_is_false(path(c, "process", "terminal", NULL)));
	args = path(c, "process", "args", NULL);
	assert_int_equal(json_array_size(args), 3);
	assert_string_equal(json_string_value(json_array_get(args, 0)), "/bin/ctstamp");
	env = path(c, "process", "env", NULL);
	json_array_foreach(env, i, v) {
		peer |= !strcmp(json_string_value(v), "VMBENCH_PEER=10.231.0.1");
		tmpdir |= !strcmp(json_string_value(v), "TMPDIR=/scratch");
	}
	assert_true(peer && tmpdir);
	assert_string_equal(json_string_value(path(c, "root", "path", NULL)), "/cache/rootfs-1");
	assert_true(json_is_true(path(c, "root", "readonly", NULL)));
	json_decref(c);
}

static json_t *find_by(json_t *array, const char *key, const char *value)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
		if (!strcmp(json_string_value(json_object_get(v, key)) ?: "", value))
			return v;
	return NULL;
}

static void test_mounts_and_namespaces(void **state)
{
	struct ct_spec s = spec();
	json_t *c = oci_config(&s), *scratch, *net;
	(void)state;

	scratch = find_by(json_object_get(c, "mounts"), "destination", "/scratch");
	assert_non_null(scratch);
	assert_string_equal(json_string_value(json_object_get(scratch, "source")), "/tmp/s");
	assert_non_null(find_by(json_object_get(c, "mounts"), "destination", "/tmp"));
	net = find_by(path(c, "linux", "namespaces", NULL), "type", "network");
	assert_non_null(net);
	assert_null(json_object_get(net, "path")); /* a new, empty one */
	json_decref(c);

	s.netns_path = "/run/netns/vmb-42";
	c = oci_config(&s);
	net = find_by(path(c, "linux", "namespaces", NULL), "type", "network");
	assert_string_equal(json_string_value(json_object_get(net, "path")), "/run/netns/vmb-42");
	assert_non_null(find_by(path(c, "linux", "namespaces", NULL), "type", "pid"));
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_process_and_root),
		cmocka_unit_test(test_mounts_and_namespaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
