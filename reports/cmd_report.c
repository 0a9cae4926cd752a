/*
 * `vmbench report DIR`: reads DIR/results.jsonl and DIR/environment.json,
 * draws the chart (report_chart.c, when gnuplot is there), writes
 * DIR/report.md and DIR/report.html, and prints the Markdown's path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "paths.h"
#include "report.h"
#include "report_chart.h"
#include "report_data.h"
#include "report_export.h"
#include "report_fmt.h"
#include "report_html.h"
#include "report_md.h"

static const char *title_of(char *buf, size_t len, const char *suite)
{
	snprintf(buf, len, "vmbench report: suite %s", suite);
	return buf;
}

/*
 * report.html from report.md; a failure here is reported but not fatal.
 * Its path goes to stderr: stdout keeps the one line scripts read.
 */
static void write_html(const char *dir, const char *md_path, const char *suite)
{
	char *html_path = paths_join(dir, "report.html"), title[256];
	FILE *md = fopen(md_path, "r"), *html = fopen(html_path, "w");
	int ok = md && html && report_html_write(md, html, title_of(title, sizeof(title), suite)) == 0;

	if (md)
		fclose(md);
	if (html && fclose(html) != 0)
		ok = 0;
	if (ok)
		fprintf(stderr, "vmbench: also %s (the same report as HTML)\n", html_path);
	else
		fprintf(stderr, "vmbench: warning: cannot write %s\n", html_path);
	free(html_path);
}

/* DIR/summary.csv or DIR/summary.json; prints its path. */
static int export_summary(const struct report_data *d, const char *format)
{
	char *path = paths_join(d->dir, !strcmp(format, "csv") ? "summary.csv" : "summary.json");
	FILE *f = fopen(path, "w");
	int rc = f ? 0 : -1;

	if (f && !strcmp(format, "csv"))
		rc = report_export_csv(f, d);
	else if (f) {
		json_t *j = report_export_json(d);
		rc = json_dumpf(j, f, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) < 0 ? -1 : 0;
		fputc('\n', f);
		json_decref(j);
	}
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "vmbench: cannot write %s\n", path);
	else
		printf("%s\n", path);
	free(path);
	return rc < 0 ? EX_IOERR : 0;
}

int cmd_report(int argc, char **argv)
{
	struct report_data d;
	char err[512], note[256] = "";
	json_t *refs;
	const char *chart, *format = "md";
	char *path;
	FILE *md;
	int rc = 1;

	if (argc == 4 && !strcmp(argv[1], "--format")) {
		format = argv[2];
		argv += 2;
		argc -= 2;
		if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json")) {
			fprintf(stderr, "vmbench: report --format md, csv or json, not '%s'\n", format);
			return EX_USAGE;
		}
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: vmbench report [--format md|csv|json] DIR\n");
		return EX_USAGE;
	}
	if (report_data_load(argv[1], &d, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench: %s\n", err);
		return EX_DATAERR;
	}
	if (strcmp(format, "md")) {
		rc = export_summary(&d, format);
		report_data_free(&d);
		return rc;
	}
	refs = references_load(err, sizeof(err));
	if (!refs) {
		fprintf(stderr, "vmbench: warning: no reference figures (%s)\n", err);
		refs = json_object();
	}
	chart = report_chart(&d, refs, note, sizeof(note));
	path = paths_join(argv[1], "report.md");
	md = fopen(path, "w");
	if (!md) {
		fprintf(stderr, "vmbench: cannot write %s\n", path);
		goto out;
	}
	if (report_md_write(md, &d, refs, chart, note) < 0 || fclose(md) != 0) {
		fprintf(stderr, "vmbench: error writing %s\n", path);
		goto out;
	}
	write_html(argv[1], path, str_or(d.env, "suite", "?"));
	printf("%s\n", path);
	rc = 0;
out:
	free(path);
	json_decref(refs);
	report_data_free(&d);
	return rc;
}
