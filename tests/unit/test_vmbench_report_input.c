/*
 * Unit tests of what the report makes of awkward input (reports/): an empty
 * or unreadable results.jsonl is an error, a run stopped before its plan was
 * done says so and names the cells without runs, and the report never says
 * two things that contradict each other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report_chart_data.h"
#include "report_compare.h"
#include "report_data.h"
#include "report_export.h"
#include "report_md.h"

static char dir[64];

/* A run directory in /tmp (name in dir) holding these files. */
static void make_dir(const char *results, const char *env)
{
	char path[128];
	FILE *f;

	strcpy(dir, "/tmp/test_report_input.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.jsonl", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(results, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/environment.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(env, f);
	fclose(f);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The Markdown of the run directory in dir (malloc'd). */
static char *render(struct report_data *d)
{
	char *text = NULL;
	size_t len = 0;
	json_t *refs = json_loads("{\"sources\":{\"disco\":{\"label\":\"Disco 1997\",\"cite\":\"B\"}},"
		"\"headline\":{\"source\":\"disco\",\"overhead_pct\":16}}", 0, NULL);
	FILE *md = open_memstream(&text, &len);

	assert_int_equal(report_md_write(md, d, refs, NULL, "no gnuplot"), 0);
	fclose(md);
	json_decref(refs);
	return text;
}

#define RUN(env, rep, score) "{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"" env \
	"\",\"cpus\":1,\"rep\":" #rep ",\"warmup\":false,\"ok\":true,\"score\":" #score \
	",\"score_unit\":\"Mrays/s\",\"wall_s\":1,\"metrics\":{\"score\":" #score "}}\n"

static void test_empty_results_is_an_error(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

	make_dir("", "{\"suite\":\"smoke\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "results.jsonl holds no runs"));
	remove_dir();
}

static void test_unreadable_results_is_an_error(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

	make_dir("garbage\n{\"not\":\"a run\"}\n{\"workload\":\"cpu\",\"par\n", "{\"suite\":\"smoke\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "none of the 3 lines of"));
	remove_dir();
}

/* Some lines readable, some not: no row of `?`, no "every measured run passed". */
static void test_some_unreadable_lines_do_not_contradict(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

	make_dir(RUN("native", 1, 100) "{\"not\":\"a run\"}\ngarbage\n", "{\"suite\":\"smoke\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	assert_int_equal(d.n_bad_lines, 2);
	char *text = render(&d);
	assert_null(strstr(text, "every measured run passed"));
	assert_null(strstr(text, "| ? |"));
	assert_non_null(strstr(text, "2 line(s) of results.jsonl could not be read"));
	free(text);
	report_data_free(&d);
	remove_dir();
}

/* A run stopped before its plan was done. */
static void test_partial_run(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

	make_dir(RUN("native", 1, 100) RUN("vm", 1, 90) RUN("native", 2, 100),
		 "{\"suite\":\"quick\",\"reps\":2,\"warmup\":0,\"plan\":["
		 "{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"cpus\":1,\"env\":\"native\",\"runs\":2},"
		 "{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"cpus\":1,\"env\":\"vm\",\"runs\":2},"
		 "{\"workload\":\"mem\",\"params\":[\"--mib\",\"8\"],\"cpus\":2,\"env\":\"native\",\"runs\":2}]}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	assert_int_equal(d.n_planned, 6);
	assert_int_equal(d.n_recorded, 3);
	char *text = render(&d);
	assert_non_null(strstr(text, "**Partial run:** 3 of 6 planned runs"));
	assert_non_null(strstr(text, "no runs: `mem --mib 8` (cpus 2) in native"));
	assert_non_null(strstr(text, "fewer runs than planned: `cpu --size 64` (cpus 1) in vm (1 of 2)"));
	free(text);
	report_data_free(&d);
	remove_dir();
}

static void test_complete_run_is_not_partial(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

	make_dir(RUN("native", 1, 100),
		 "{\"suite\":\"quick\",\"plan\":[{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],"
		 "\"cpus\":1,\"env\":\"native\",\"runs\":1}]}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	char *text = render(&d);
	assert_null(strstr(text, "Partial run"));
	free(text);
	report_data_free(&d);
	remove_dir();
}

/* "taken by others" is a share of the pinned CPUs' time: never above 100%. */
static void test_interference_share(void **state)
{
	(void)state;
	/* 1 s on 1 CPU, 0.25 s taken: 25% */
	assert_float_equal(interference_share(0.25, 1.0, 1, 0.01), 0.25, 1e-9);
	/* 10 ms ticks cannot say more than the window holds: at most 100% */
	assert_float_equal(interference_share(3.0, 1.0, 1, 0.01), 1.0, 1e-9);
	/* a few ms of wall time against 10 ms ticks: too short to tell */
	assert_true(interference_share(0.02, 0.0104, 1, 0.01) < 0);
	assert_true(interference_share(0.0, 0.2, 2, 0.01) < 0);
	/* long enough: 2 ticks are at most 5% of the window */
	assert_true(interference_share(0.0, 0.4, 1, 0.01) >= 0);
}

/* Short runs that read 192% on a coarse clock: no banner, and the cell says why. */
static void test_short_runs_do_not_make_the_host_busy(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

#define SHORT(rep) "{\"workload\":\"noise\",\"params\":[],\"env\":\"native\",\"cpus\":1," \
	"\"rep\":" #rep ",\"warmup\":false,\"ok\":true,\"score\":99,\"score_unit\":\"%run\"," \
	"\"wall_s\":0.0052,\"others_cpu_s\":0.01,\"metrics\":{\"score\":99}}\n"
	make_dir(SHORT(1) SHORT(2) SHORT(3), "{\"suite\":\"smoke\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	char *text = render(&d);
	assert_null(strstr(text, "the host was busy"));
	assert_null(strstr(text, "192"));
	assert_non_null(strstr(text, "too short to tell"));
	free(text);
	report_data_free(&d);
	remove_dir();
}

/* A figure timed by a clock too coarse for it is flagged, not presented as exact. */
static void test_io_below_timer_resolution(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

#define IO(env, t, res) "{\"workload\":\"io\",\"params\":[\"--mib\",\"4\"],\"env\":\"" env "\"," \
	"\"cpus\":1,\"rep\":1,\"warmup\":false,\"ok\":true,\"score\":1000,\"score_unit\":\"MiB/s\"," \
	"\"wall_s\":1,\"metrics\":{\"score\":1000,\"time_s\":" #t ",\"time_res_s\":" #res "}}\n"
	make_dir(IO("native", 0.004, 0.001) IO("vm", 0.004, 1e-9), "{\"suite\":\"smoke\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	double t, res;
	assert_int_equal(series_below_timer(group_series(&d.groups[0], "native"), &t, &res), 1);
	assert_float_equal(t, 0.004, 1e-12);
	assert_float_equal(res, 0.001, 1e-12);
	assert_int_equal(series_below_timer(group_series(&d.groups[0], "vm"), &t, &res), 0);
	char *text = render(&d);
	assert_non_null(strstr(text, "| io --mib 4 | 1 | native | 1 | 1000 (below timer resolution) |"));
	assert_non_null(strstr(text, "`io --mib 4` in native: its runs took 4 ms, timed in steps of 1 ms"));
	assert_non_null(strstr(text, "| io --mib 4 | 1 | vm | 1 | 1000 |"));
	free(text);
	report_data_free(&d);
	remove_dir();
}

/* The wording defects of issue 15: every one is a string a reader sees. */
static void test_wording(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

#define IOREC(env, rep, score) "{\"workload\":\"io\",\"params\":[\"--mib\",\"64\"],\"env\":\"" env "\"," \
	"\"cpus\":1,\"rep\":" #rep ",\"warmup\":false,\"ok\":true,\"score\":" #score ",\"score_unit\":\"MiB/s\"," \
	"\"wall_s\":1,\"metrics\":{\"score\":" #score ",\"bw_kibs\":1024,\"clat_p99_ns\":9000}}\n"
	make_dir(RUN("native", 1, 100) RUN("vm", 1, 90) RUN("native", 2, 100) RUN("vm", 2, 90)
		 RUN("native", 3, 100) RUN("vm", 3, 90)
		 IOREC("native", 1, 100) IOREC("vm", 1, 50) IOREC("native", 2, 100) IOREC("vm", 2, 50)
		 IOREC("native", 3, 100) IOREC("vm", 3, 50)
		 "{\"workload\":\"cpu\",\"params\":[\"--size\",\"-5\"],\"env\":\"vm\",\"cpus\":1,\"rep\":1,"
		 "\"warmup\":false,\"ok\":false,\"error\":\"the workload rejected its arguments (exit 64)\","
		 "\"stdout_tail\":[\"cpu: bad value '-5' for --size\",\"usage: cpu [--size PIXELS]\"],\"metrics\":{}}\n",
		 "{\"suite\":\"quick\",\"reps\":3,\"mem_total\":\"24683652 kB\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	char *text = render(&d);
	/* the environment table has a header, memory is in GiB */
	assert_non_null(strstr(text, "| what | value |"));
	assert_null(strstr(text, "| | |"));
	assert_non_null(strstr(text, "| memory | 23.5 GiB |"));
	/* io's own figures have labels, not raw keys */
	assert_non_null(strstr(text, "| bandwidth, KiB/s |"));
	assert_non_null(strstr(text, "| completion latency, 99th percentile, ns |"));
	assert_null(strstr(text, "| bw_kibs |"));
	/* Disco's worst case once, in the overview, not on every row */
	assert_null(strstr(text, "Disco, worst case"));
	assert_null(strstr(text, "| 16.0% |"));
	const char *first = strstr(text, "16%");
	assert_non_null(first);
	assert_null(strstr(first + 1, "16%"));
	/* the reason a VM's workload printed on its console */
	assert_non_null(strstr(text, "| cpu: bad value '-5' for --size |"));
	free(text);
	report_data_free(&d);
	remove_dir();
}

/* A suite that is not a measurement (smoke: one run per cell) says so and sets nothing beside the papers. */
static void test_smoke_is_not_a_measurement(void **state)
{
	struct report_data d;
	char err[256] = "";
	(void)state;

	make_dir(RUN("native", 1, 100) RUN("vm", 1, 90), "{\"suite\":\"smoke\",\"reps\":1}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	char *text = render(&d);
	assert_non_null(strstr(text, "**Not a measurement:**"));
	assert_null(strstr(text, "16%"));
	assert_null(strstr(text, "10.0%"));   /* (100 - 90) / 100: a one-run overhead */
	free(text);
	report_data_free(&d);
	remove_dir();
}

/* The project's own figures cite a file that is in the repository. */
static void test_references_cite_the_repository(void **state)
{
	char *text = NULL;
	json_t *refs = json_load_file("reports/references.json", 0, NULL);   /* make test runs from the top */
	(void)state;

	assert_non_null(refs);
	text = json_dumps(refs, 0);
	assert_null(strstr(text, "shared/HOST.md"));
	assert_non_null(strstr(text, "docs/host-notes.md"));
	free(text);
	json_decref(refs);
}

/* The chart: overhead in percent with its paired CI, beside Disco's 16% and Xen's 0-3%. */
static void test_chart(void **state)
{
	struct report_data d;
	char err[256] = "", *text = NULL;
	size_t len = 0;
	const char *envs[] = { "vm", "container" };
	int nenvs = 2, label_chars = 0;
	double xmin, xmax;
	(void)state;

	make_dir(RUN("native", 1, 100) RUN("vm", 1, 90) RUN("native", 2, 100) RUN("vm", 2, 80)
		 RUN("native", 3, 100) RUN("vm", 3, 70),
		 "{\"suite\":\"quick\",\"reps\":3,\"run_order\":\"interleaved\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(chart_write_csv(f, &d, envs, &nenvs, &xmin, &xmax, &label_chars), 1);
	fclose(f);
	assert_int_equal(nenvs, 1);   /* container has no row: no empty block */
	/* the medians' overhead (100 - 80) / 100, the paired interval 10%-30% */
	assert_non_null(strstr(text, "1,\"vm cpu --size 64 (1 cpu)\",20.000,10.000,30.000\n"));
	assert_true(xmax >= 30 && xmin <= -5);
	free(text);
	json_t *refs = json_loads("{\"headline\":{\"overhead_pct\":16},\"figures\":["
		"{\"source\":\"xen\",\"overhead_pct\":0},{\"source\":\"xen\",\"overhead_pct\":3},"
		"{\"source\":\"felter\",\"overhead_pct\":17}]}", 0, NULL);
	f = open_memstream(&text, &len);
	chart_write_script(f, &d, refs, "overhead.csv", envs, nenvs, 1, xmin, xmax, label_chars);
	fclose(f);
	assert_non_null(strstr(text, "set title \"vmbench, suite quick: overhead against native"));
	assert_non_null(strstr(text, "with xerrorbars"));
	assert_non_null(strstr(text, "set arrow 2 from 16, graph 0 to 16, graph 1"));
	assert_non_null(strstr(text, "set object 1 rect from 0, graph 0 to 3, graph 1"));
	assert_non_null(strstr(text, "title 'Disco 1997, worst case: 16%'"));
	assert_non_null(strstr(text, "title 'Xen 2003: 0-3%'"));
	assert_null(strstr(text, "rotate"));   /* level labels */
	free(text);
	json_decref(refs);
	report_data_free(&d);
	remove_dir();
}

/* The summary for other tools: one row per cell and environment, CSV and JSON alike. */
static void test_export(void **state)
{
	struct report_data d;
	char err[256] = "", *text = NULL;
	size_t len = 0;
	(void)state;

	make_dir(RUN("native", 1, 100) RUN("vm", 1, 90) RUN("native", 2, 100) RUN("vm", 2, 80)
		 RUN("native", 3, 100) RUN("vm", 3, 70)
		 "{\"workload\":\"net\",\"params\":[\"--peer\",\"a,b\"],\"env\":\"container\",\"cpus\":1,"
		 "\"rep\":0,\"warmup\":false,\"ok\":false,\"unavailable\":true,\"error\":\"no \\\"runc\\\"\"}\n",
		 "{\"suite\":\"quick\",\"reps\":3,\"run_order\":\"interleaved\"}");
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(report_export_csv(f, &d), 0);
	fclose(f);
	assert_non_null(strstr(text, "workload,params,cpus,env,n_ok,n_failed,score_unit,median,min,max,"
				     "stddev,overhead_pct,ci_lo_pct,ci_hi_pct,ci_coverage,not_run\n"));
	assert_non_null(strstr(text, "\ncpu,--size 64,1,native,3,0,Mrays/s,100,100,100,0,,,,,\n"));
	assert_non_null(strstr(text, "\ncpu,--size 64,1,vm,3,0,Mrays/s,80,70,90,10,20,10,30,0.75,\n"));
	assert_non_null(strstr(text, "\nnet,\"--peer a,b\",1,container,0,0,,,,,,,,,,\"no \"\"runc\"\"\"\n"));
	free(text);
	json_t *j = report_export_json(&d);
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 3);
	assert_string_equal(json_string_value(json_object_get(j, "suite")), "quick");
	json_decref(j);
	report_data_free(&d);
	remove_dir();
}

/* The same cells across two run directories: medians, the ratio and its (unpaired) interval. */
static void test_compare(void **state)
{
	struct report_data runs[2];
	char err[256] = "", dirs[2][64], *text = NULL;
	size_t len = 0;
	(void)state;

	make_dir(RUN("native", 1, 100) RUN("native", 2, 110) RUN("native", 3, 90) RUN("vm", 1, 80),
		 "{\"suite\":\"quick\",\"hostname\":\"a\"}");
	strcpy(dirs[0], dir);
	make_dir(RUN("native", 1, 50) RUN("native", 2, 55) RUN("native", 3, 45),
		 "{\"suite\":\"quick\",\"hostname\":\"b\"}");
	strcpy(dirs[1], dir);
	assert_int_equal(report_data_load(dirs[0], &runs[0], err, sizeof(err)), 0);
	assert_int_equal(report_data_load(dirs[1], &runs[1], err, sizeof(err)), 0);
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(report_compare_write(f, runs, 2), 0);
	fclose(f);
	assert_non_null(strstr(text, "| workload | cpus | env | A | B | B/A | interval | unit |"));
	/* 50 / 100, and 45 / 110 to 55 / 90 from the two medians' intervals */
	assert_non_null(strstr(text, "| cpu --size 64 | 1 | native | 100 (3) | 50 (3) | 0.500 | 0.409 – 0.611 | Mrays/s |"));
	/* a cell only A has, and one run of it: no ratio, no interval */
	assert_non_null(strstr(text, "| cpu --size 64 | 1 | vm | 80 (1) | – | – | – | Mrays/s |"));
	assert_non_null(strstr(text, "host b"));
	free(text);
	report_data_free(&runs[0]);
	report_data_free(&runs[1]);
	strcpy(dir, dirs[0]);
	remove_dir();
	strcpy(dir, dirs[1]);
	remove_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_results_is_an_error),
		cmocka_unit_test(test_unreadable_results_is_an_error),
		cmocka_unit_test(test_some_unreadable_lines_do_not_contradict),
		cmocka_unit_test(test_partial_run),
		cmocka_unit_test(test_complete_run_is_not_partial),
		cmocka_unit_test(test_interference_share),
		cmocka_unit_test(test_short_runs_do_not_make_the_host_busy),
		cmocka_unit_test(test_io_below_timer_resolution),
		cmocka_unit_test(test_wording),
		cmocka_unit_test(test_smoke_is_not_a_measurement),
		cmocka_unit_test(test_references_cite_the_repository),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
