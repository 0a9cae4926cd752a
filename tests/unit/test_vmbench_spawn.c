/*
 * Unit tests of bench/common/spawn.c: exit status, signals, capture,
 * timeout, and that nothing the child started outlives spawn_run().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "spawn.h"

static struct spawn_out out;
static char pid_file[64];   /* per test process: tests may run concurrently */
static char script[256];

/* "sleep 100 & echo $! > PIDFILE; " + tail */
static const char *with_sleeper(const char *tail)
{
	snprintf(pid_file, sizeof(pid_file), "/tmp/test_vmbench_spawn.%d.pid", (int)getpid());
	snprintf(script, sizeof(script), "sleep 100 & echo $! > %s; %s", pid_file, tail);
	return script;
}

static int run_sh(const char *script, int timeout_s)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = timeout_s };

	return spawn_run(&req, &out);
}

/* 1 when pid is gone or a zombie (killed, waiting for init to reap it). */
static int process_gone(pid_t pid)
{
	char path[64], stat[256];

	for (int tries = 0; tries < 100; tries++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "r");
		if (!f)
			return 1;
		size_t n = fread(stat, 1, sizeof(stat) - 1, f);
		fclose(f);
		stat[n] = '\0';
		char *paren = strrchr(stat, ')');
		if (paren && paren[2] == 'Z')
			return 1;
		usleep(10000);
	}
	return 0;
}

static pid_t read_pid(const char *file)
{
	FILE *f = fopen(file, "r");
	int pid = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	unlink(file);
	return pid;
}

static void test_exit_status_and_capture(void **state)
{
	(void)state;
	assert_int_equal(run_sh("echo out; echo err >&2; exit 3", 10), 0);
	assert_true(out.started);
	assert_int_equal(out.exit_code, 3);
	assert_int_equal(out.term_signal, 0);
	assert_string_equal(out.out, "out\n");
	assert_string_equal(out.err, "err\n");
	assert_true(out.wall_s > 0 && out.wall_s < 5);
	assert_true(out.max_rss_kib > 0);
	spawn_out_free(&out);
}

static void test_signal(void **state)
{
	(void)state;
	assert_int_equal(run_sh("kill -SEGV $$", 10), 0);
	assert_int_equal(out.exit_code, -1);
	assert_int_equal(out.term_signal, SIGSEGV);
	spawn_out_free(&out);
}

static void test_timeout_kills_the_group(void **state)
{
	(void)state;
	assert_int_equal(run_sh(with_sleeper("wait"), 2), 0);
	assert_true(out.timed_out);
	assert_true(out.wall_s >= 2 && out.wall_s < 6);
	assert_true(process_gone(read_pid(pid_file)));
	spawn_out_free(&out);
}

static void test_stragglers_are_killed(void **state)
{
	(void)state;
	/* the child exits at once but leaves a grandchild holding stdout */
	assert_int_equal(run_sh(with_sleeper("exit 0"), 10), 0);
	assert_int_equal(out.exit_code, 0);
	assert_false(out.timed_out);
	assert_true(out.wall_s < 2);
	assert_true(process_gone(read_pid(pid_file)));
	spawn_out_free(&out);
}

static void test_cannot_start(void **state)
{
	char *argv[] = { "/nonexistent/program", NULL };
	struct spawn_req req = { .argv = argv };
	(void)state;
	assert_int_equal(spawn_run(&req, &out), -1);
	assert_false(out.started);
	assert_non_null(strstr(out.error, "cannot run /nonexistent/program"));
	spawn_out_free(&out);
}

static void test_cwd_and_environment(void **state)
{
	const char *env[] = { "VMBENCH_TEST=yes", NULL };
	char *argv[] = { "/bin/sh", "-c", "pwd; echo $VMBENCH_TEST; echo ${SPAWN_NS:-unset}", NULL };
	struct spawn_req req = { .argv = argv, .env_add = env, .cwd = "/",
				 .spawn_ns_var = "SPAWN_NS" };
	(void)state;
	uint64_t before = spawn_now_ns();
	assert_int_equal(spawn_run(&req, &out), 0);
	char *ns = strrchr(out.out, '\n');
	*ns = '\0';
	ns = strrchr(out.out, '\n') + 1;
	assert_true(strtoull(ns, NULL, 10) >= before);
	assert_true(strtoull(ns, NULL, 10) <= spawn_now_ns());
	assert_non_null(strstr(out.out, "/\nyes\n"));
	spawn_out_free(&out);
}

static void test_long_output_keeps_the_tail(void **state)
{
	(void)state;
	assert_int_equal(run_sh("head -c 3000000 /dev/zero | tr '\\0' a; echo; echo last line", 20), 0);
	assert_true(strlen(out.out) <= (1 << 20));
	assert_string_equal(out.out + strlen(out.out) - 10, "last line\n");
	spawn_out_free(&out);
}

static void test_tail_lines(void **state)
{
	(void)state;
	assert_string_equal(spawn_tail_lines("a\nb\nc\n", 2), "b\nc\n");
	assert_string_equal(spawn_tail_lines("a\nb\nc", 1), "c");
	assert_string_equal(spawn_tail_lines("a\nb\n", 5), "a\nb\n");
	assert_string_equal(spawn_tail_lines("", 3), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status_and_capture),
		cmocka_unit_test(test_signal),
		cmocka_unit_test(test_timeout_kills_the_group),
		cmocka_unit_test(test_stragglers_are_killed),
		cmocka_unit_test(test_cannot_start),
		cmocka_unit_test(test_cwd_and_environment),
		cmocka_unit_test(test_long_output_keeps_the_tail),
		cmocka_unit_test(test_tail_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
