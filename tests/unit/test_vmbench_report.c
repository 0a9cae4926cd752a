/*
 * Unit tests of the report generator (reports/): a small run directory is
 * written to /tmp, loaded, grouped, summarised and rendered as Markdown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report_data.h"
#include "report_html.h"
#include "report_md.h"

static char dir[64];

static const char *const lines[] = {
	/* cpu at 1 CPU: native 100/110/90 (+ a warm-up), vm 80/88/72 (rep 2 logged first) and one failure */
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"native\",\"cpus\":1,\"rep\":1,\"warmup\":true,\"ok\":true,\"score\":1,\"score_unit\":\"Mrays/s\",\"metrics\":{\"score\":1}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"native\",\"cpus\":1,\"rep\":1,\"warmup\":false,\"ok\":true,\"mem\":null,\"score\":100,\"score_unit\":\"Mrays/s\",\"wall_s\":0.5,\"others_cpu_s\":0.25,\"metrics\":{\"score\":100,\"checksum\":7}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"native\",\"cpus\":1,\"rep\":2,\"warmup\":false,\"ok\":true,\"mem\":null,\"score\":110,\"score_unit\":\"Mrays/s\",\"wall_s\":0.5,\"others_cpu_s\":0.25,\"metrics\":{\"score\":110,\"checksum\":7}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"native\",\"cpus\":1,\"rep\":3,\"warmup\":false,\"ok\":true,\"mem\":null,\"score\":90,\"score_unit\":\"Mrays/s\",\"wall_s\":0.5,\"others_cpu_s\":0.25,\"metrics\":{\"score\":90,\"checksum\":7}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"vm\",\"cpus\":1,\"rep\":2,\"warmup\":false,\"ok\":true,\"mem\":\"512M\",\"score\":88,\"score_unit\":\"Mrays/s\",\"metrics\":{\"score\":88},\"exits\":{\"MMIO\":6,\"SHUTDOWN\":1},\"monitor\":{\"startup_ms\":4}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"vm\",\"cpus\":1,\"rep\":1,\"warmup\":false,\"ok\":true,\"mem\":\"512M\",\"score\":80,\"score_unit\":\"Mrays/s\",\"metrics\":{\"score\":80},\"exits\":{\"MMIO\":4},\"monitor\":{\"startup_ms\":2,\"exit_monitor_s\":{\"MMIO\":0.001}}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"vm\",\"cpus\":1,\"rep\":3,\"warmup\":false,\"ok\":true,\"mem\":\"512M\",\"score\":72,\"score_unit\":\"Mrays/s\",\"metrics\":{\"score\":72},\"exits\":{\"MMIO\":8},\"monitor\":{\"startup_ms\":3}}",
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"vm\",\"cpus\":1,\"rep\":4,\"warmup\":false,\"ok\":false,\"mem\":\"512M\",\"error\":\"checksum differs from native\",\"score\":1,\"metrics\":{}}",
	/* same workload at 2 CPUs is another cell */
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"native\",\"cpus\":2,\"rep\":1,\"warmup\":false,\"ok\":true,\"score\":200,\"score_unit\":\"Mrays/s\",\"metrics\":{\"score\":200}}",
	/* an environment that could not run */
	"{\"workload\":\"cpu\",\"params\":[\"--size\",\"64\"],\"env\":\"container\",\"cpus\":1,\"rep\":0,\"warmup\":false,\"ok\":false,\"unavailable\":true,\"error\":\"environment unavailable: no runc\",\"metrics\":{}}",
	/* mem with 64 MiB arrays on a host with 32 MiB of L3: below STREAM's 4x rule */
	"{\"workload\":\"mem\",\"params\":[\"--mib\",\"192\"],\"env\":\"native\",\"cpus\":1,\"rep\":1,\"warmup\":false,\"ok\":true,\"score\":40000,\"score_unit\":\"MB/s\",\"metrics\":{\"score\":40000,\"array_mib\":64}}",
	/* a line cut off mid-write */
	"{\"workload\":\"cpu\",\"par",
	NULL,
};

static FILE *create(const char *in, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", in, name);
	return fopen(path, "w");
}

/* A run directory in /tmp (its name in out): results.jsonl from records,
 * environment.json, and suite.json unless NULL. */
static int write_run_dir(char *out, const char *const *records, const char *env,
			 const char *suite)
{
	FILE *f;

	strcpy(out, "/tmp/test_vmbench_report.XXXXXX");
	if (!mkdtemp(out))
		return -1;
	f = create(out, "results.jsonl");
	for (int i = 0; records[i]; i++)
		fprintf(f, "%s\n", records[i]);
	fclose(f);
	f = create(out, "environment.json");
	fprintf(f, "%s\n", env);
	fclose(f);
	if (suite) {
		f = create(out, "suite.json");
		fprintf(f, "%s\n", suite);
		fclose(f);
	}
	return 0;
}

static int remove_run_dir(const char *which)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", which);
	return system(cmd) == 0 ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	return write_run_dir(dir, lines, "{\"suite\":\"unit\",\"virtualization\":\"PVM\",\"reps\":3,"
		"\"run_order\":\"interleaved: run i of every environment, then run i + 1\","
		"\"topology\":{\"llc_mib\":32,\"llc_level\":3},"
		"\"envs\":{\"native\":{\"available\":true},"
		"\"container\":{\"available\":false,\"why\":\"no runc\"}}}", NULL);
}

static int teardown(void **state)
{
	(void)state;
	return remove_run_dir(dir);
}

static void test_grouping_and_stats(void **state)
{
	struct report_data d;
	struct stats st;
	char err[256];
	(void)state;

	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	assert_int_equal(d.ngroups, 3);   /* cpu at 1 and 2 CPUs, mem */
	assert_int_equal(d.n_measured, 9);
	assert_int_equal(d.n_warmup, 1);
	assert_int_equal(d.n_failed, 1);
	assert_int_equal(d.n_unavailable, 1);
	assert_int_equal(d.n_bad_lines, 1);

	const struct group *g = &d.groups[0];
	assert_string_equal(g->params, "--size 64");
	assert_int_equal(g->cpus, 1);
	assert_int_equal(g->nseries, 3);
	const struct series *native = group_series(g, "native");
	const struct series *vm = group_series(g, "vm");
	assert_non_null(native);
	assert_non_null(vm);
	assert_non_null(group_series(g, "container")->unavailable);
	assert_int_equal(series_stats(native, "score", 0, &st), 0);
	assert_int_equal(st.n, 3); /* the warm-up is left out */
	assert_float_equal(st.median, 100, 1e-9);
	assert_int_equal(vm->n_ok, 3);
	assert_int_equal(vm->n_failed, 1);
	assert_int_equal(series_stats(vm, "score", 0, &st), 0);
	assert_float_equal(st.median, 80, 1e-9); /* the failed run is left out */
	assert_int_equal(series_stats(vm, "exits.SHUTDOWN", 1, &st), 0);
	assert_float_equal(st.median, 0, 1e-9);  /* missing exit reasons count 0 */
	assert_int_equal(series_stats(vm, "monitor.startup_ms", 0, &st), 0);
	assert_float_equal(st.median, 3, 1e-9);
	/* a path two objects down: the one run that has it */
	assert_int_equal(series_stats(vm, "monitor.exit_monitor_s.MMIO", 0, &st), 0);
	assert_int_equal(st.n, 1);
	assert_float_equal(st.median, 0.001, 1e-12);
	assert_int_equal(series_stats(vm, "nonexistent", 0, &st), -1);
	report_data_free(&d);
}

static void test_markdown(void **state)
{
	struct report_data d;
	char err[256], *text = NULL;
	size_t len = 0;
	json_t *refs = json_loads("{\"sources\":{\"disco\":{\"label\":\"Disco 1997\",\"cite\":\"Bugnion\"}},"
		"\"headline\":{\"source\":\"disco\",\"overhead_pct\":16,\"label\":\"Disco\"},"
		"\"figures\":[{\"source\":\"disco\",\"workloads\":[\"cpu\"],\"envs\":[\"vm\"],"
		"\"overhead_pct\":3,\"what\":\"Raytrace\"}]}", 0, NULL);
	(void)state;

	assert_non_null(refs);
	assert_int_equal(report_data_load(dir, &d, err, sizeof(err)), 0);
	FILE *md = open_memstream(&text, &len);
	assert_int_equal(report_md_write(md, &d, refs, NULL, "no gnuplot"), 0);
	fclose(md);
	assert_non_null(strstr(text, "# vmbench report: suite unit"));
	assert_non_null(strstr(text, "| virtualization | PVM |"));
	/* (100 - 80) / 100 = 20% overhead, beside Disco's 16% */
	assert_non_null(strstr(text, "| vm | 3 (+failed) | 80 | 72 – 88 |"));
	/* paired by rep, not by order: each pair is 20% apart; 3 pairs cover the median with 1 - 2/8 */
	assert_non_null(strstr(text, "| 20.0% | 20.0% to 20.0% (75%) |\n"));
	assert_non_null(strstr(text, "| cpu --size 64 | 1 | vm | 3 | 80 | Mrays/s | 20.0% | 20.0% to 20.0% (75%) |"));
	assert_non_null(strstr(text, "Raytrace: 3% [Disco 1997]"));
	assert_non_null(strstr(text, "checksum differs from native"));
	assert_non_null(strstr(text, "not run: environment unavailable: no runc"));
	assert_non_null(strstr(text, "| MMIO | 6 | 1 |"));
	assert_non_null(strstr(text, "(No chart: no gnuplot.)"));
	/* STREAM's rule: 64 MiB arrays against 4 x 32 MiB of L3, for the mem cell only */
	assert_non_null(strstr(text, "last-level caches 32 MiB of L3 in all"));
	const char *warning = strstr(text, "STREAM's sizing rule is not met:** each array is 64 MiB");
	assert_non_null(warning);
	assert_non_null(strstr(warning, "`--mib 384` or more"));
	assert_null(strstr(warning + 1, "STREAM's sizing rule is not met"));
	assert_non_null(strstr(text, "`mem --mib 192` at 1 CPU (64 MiB per array)"));
	/* others took 0.25 s of 0.5 s on 1 CPU in the native runs */
	assert_non_null(strstr(text, "Warning: the host was busy"));
	assert_non_null(strstr(text, "| native | 1 | none | 0.500 | – | – | 50.0% |"));
	assert_non_null(strstr(text, "[Disco 1997] Bugnion"));
	assert_non_null(strstr(text, "1 line(s) of results.jsonl could not be read"));
	free(text);
	json_decref(refs);
	report_data_free(&d);
}

static void test_html(void **state)
{
	const char *md_text = "# Title <x>\n\nSome `code` & text\ncontinued.\n\n**Warning:** `a**b`\n\n"
		"| a | b |\n|---|---:|\n| 1 \\| 2 | 3 |\n\n- item\n\n![chart](c.svg)\n";
	char *html = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)md_text, strlen(md_text), "r");
	FILE *out = open_memstream(&html, &len);
	(void)state;

	assert_int_equal(report_html_write(in, out, "T"), 0);
	fclose(in);
	fclose(out);
	assert_non_null(strstr(html, "<h1>Title &lt;x&gt;</h1>"));
	assert_non_null(strstr(html, "<p>Some <code>code</code> &amp; text\ncontinued.</p>"));
	assert_non_null(strstr(html, "<p><strong>Warning:</strong> <code>a**b</code></p>"));
	assert_non_null(strstr(html, "<tr><th>a</th><th>b</th></tr>"));
	assert_non_null(strstr(html, "<tr><td>1 | 2</td><td class=\"r\">3</td></tr>"));
	assert_non_null(strstr(html, "<ul>\n<li>item</li>\n</ul>"));
	assert_non_null(strstr(html, "<img alt=\"chart\" src=\"c.svg\">"));
	free(html);
}

/* The paired CI only where a repetition's runs were neighbours: interleaved (run_order
 * recorded) and not a net cell (suite.json). */
static void test_paired_ci_only_when_interleaved(void **state)
{
	static const char *const records[] = {
		"{\"workload\":\"cpu\",\"env\":\"native\",\"cpus\":1,\"rep\":1,\"ok\":true,\"score\":100}",
		"{\"workload\":\"cpu\",\"env\":\"vm\",\"cpus\":1,\"rep\":1,\"ok\":true,\"score\":80}",
		"{\"workload\":\"cpu\",\"env\":\"native\",\"cpus\":1,\"rep\":2,\"ok\":true,\"score\":110}",
		"{\"workload\":\"cpu\",\"env\":\"vm\",\"cpus\":1,\"rep\":2,\"ok\":true,\"score\":88}",
		"{\"workload\":\"net\",\"params\":[\"--mode\",\"rr\"],\"env\":\"native\",\"cpus\":1,\"rep\":1,\"ok\":true,\"score\":100}",
		"{\"workload\":\"net\",\"params\":[\"--mode\",\"rr\"],\"env\":\"native\",\"cpus\":1,\"rep\":2,\"ok\":true,\"score\":110}",
		"{\"workload\":\"net\",\"params\":[\"--mode\",\"rr\"],\"env\":\"vm\",\"cpus\":1,\"rep\":1,\"ok\":true,\"score\":80}",
		"{\"workload\":\"net\",\"params\":[\"--mode\",\"rr\"],\"env\":\"vm\",\"cpus\":1,\"rep\":2,\"ok\":true,\"score\":88}",
		NULL,
	};
	static const char *const envs[] = {
		"{\"run_order\":\"interleaved: run i of every environment, then run i + 1\"}",
		"{}",   /* written before vmbench interleaved */
	};
	/* the cells as the suite has them: cpus 1 when not given */
	static const char *const suite = "{\"name\":\"u\",\"cells\":[{\"workload\":\"cpu\"},"
		"{\"workload\":\"net\",\"params\":[\"--mode\",\"rr\"],\"net\":true}]}";
	char which[64], err[256], ci[64];
	struct report_data d;
	(void)state;

	for (int e = 0; e < 2; e++) {
		assert_int_equal(write_run_dir(which, records, envs[e], suite), 0);
		assert_int_equal(report_data_load(which, &d, err, sizeof(err)), 0);
		assert_int_equal(d.ngroups, 2);
		const struct group *cpu = &d.groups[0], *net = &d.groups[1];
		assert_int_equal(cpu->net, 0);
		assert_int_equal(cpu->paired, e == 0);
		assert_string_equal(overhead_ci_text(ci, sizeof(ci), cpu, group_series(cpu, "vm")),
				    e == 0 ? "20.0% to 20.0% (50%)" : "–");
		assert_int_equal(net->net, 1);
		assert_int_equal(net->paired, 0);
		assert_string_equal(overhead_ci_text(ci, sizeof(ci), net, group_series(net, "vm")), "–");
		report_data_free(&d);
		assert_int_equal(remove_run_dir(which), 0);
	}
}

/* A record of the density suite: dataset, its lwvmm_args/disk_opts/instances, Pss figures. */
static char *density_record(const char *extra, int rep, double score, const char *figures)
{
	char *r = malloc(1024);
	snprintf(r, 1024, "{\"workload\":\"dataset\",\"params\":[\"--mib\",\"32\"],%s\"cpus\":1,\"rep\":%d,"
		 "\"warmup\":false,\"ok\":true,\"score\":%g,\"score_unit\":\"MB/s\",\"wall_s\":2,%s}",
		 extra, rep, score, figures);
	return r;
}

/* The density section: domains' and separate processes' footprints, ratios, native in one column. */
static void test_density(void **state)
{
	char run[64], err[256], *text = NULL;
	char *recs[19] = { NULL };
	size_t len = 0;
	int n = 0;
	struct report_data d;
	(void)state;

	for (int rep = 1; rep <= 3; rep++) {
		recs[n++] = density_record("\"env\":\"vm\",\"lwvmm_args\":[\"--domains\",\"8\"],\"disk_opts\":\"ro\",",
			rep, 5000 + rep, "\"metrics\":{},\"monitor\":{\"totals\":{\"process_pss_kib\":266240,\"guest_pss_kib\":262144}}");
		recs[n++] = density_record("\"env\":\"vm\",\"lwvmm_args\":[\"--domains\",\"8\"],\"disk_opts\":\"ro,share\",",
			rep, 20000 + rep, "\"metrics\":{},\"monitor\":{\"totals\":{\"process_pss_kib\":36864,\"guest_pss_kib\":34816}}");
		recs[n++] = density_record("\"env\":\"vm\",\"disk_opts\":\"ro\",\"instances\":8,", rep, 6000,
			"\"metrics\":{\"pss_total_kib\":268288}");
		recs[n++] = density_record("\"env\":\"vm\",\"disk_opts\":\"ro,share\",\"instances\":8,", rep, 18000,
			"\"metrics\":{\"pss_total_kib\":39936}");
		recs[n++] = density_record("\"env\":\"native\",\"instances\":8,", rep, 20000,
			"\"metrics\":{\"pss_total_kib\":34816}");
	}
	assert_int_equal(write_run_dir(run, (const char *const *)recs, "{\"suite\":\"density\",\"reps\":1}", NULL), 0);
	assert_int_equal(report_data_load(run, &d, err, sizeof(err)), 0);
	FILE *md = open_memstream(&text, &len);
	assert_int_equal(report_md_write(md, &d, NULL, NULL, "no gnuplot"), 0);
	fclose(md);
	assert_non_null(strstr(text, "## Density: Disco's transparent sharing (Fig. 6)"));
	assert_non_null(strstr(text, "| 8 | domains in one lwvmm | 260.0 (260.0 – 260.0) | 36.0 (36.0 – 36.0) | 7.22x "
				     "| 256.0 / 34.0 | 32.5 / 4.5 | 5002 (5001 – 5003) / 20002 (20001 – 20003) | 399.9% |"));
	assert_non_null(strstr(text, "| 8 | lwvmm processes | 262.0 (262.0 – 262.0) | 39.0 (39.0 – 39.0) | 6.72x | – |"));
	assert_non_null(strstr(text, "| 8 | native processes | – | 34.0 (34.0 – 34.0) | – | – | – / 4.2 | – / 20000 (20000 – 20000) |"));
	assert_non_null(strstr(text, "(No density chart: not a measurement"));
	free(text);
	report_data_free(&d);
	for (int i = 0; i < n; i++)
		free(recs[i]);
	assert_int_equal(remove_run_dir(run), 0);
}

static void test_not_a_run_dir(void **state)
{
	struct report_data d;
	char err[256];
	(void)state;
	assert_int_equal(report_data_load("/nonexistent", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a run directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping_and_stats),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_paired_ci_only_when_interleaved),
		cmocka_unit_test(test_density),
		cmocka_unit_test(test_not_a_run_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
