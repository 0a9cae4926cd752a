/* `vmbench compare` (report_compare.h). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "report_compare.h"
#include "report_fmt.h"
#include "report_html.h"

/* Median, N and the median's sign-test CI of a series' ok scores; -1 without any. */
static int median_ci(const struct series *s, struct stats *st, double *lo, double *hi, int *has_ci)
{
	size_t i, n = 0;
	json_t *rec;
	double *x;

	*has_ci = 0;
	if (!s || series_stats(s, "score", 0, st) < 0)
		return -1;
	x = calloc(json_array_size(s->runs) + 1, sizeof(*x));
	json_array_foreach(s->runs, i, rec) {
		json_t *v = json_object_get(rec, "score");
		if (x && json_is_true(json_object_get(rec, "ok")) && json_is_number(v))
			x[n++] = json_number_value(v);
	}
	*has_ci = x && stats_median_ci(x, n, 0.95, lo, hi) >= 0;
	free(x);
	return 0;
}

/* Has an earlier row already shown (g's cell, env)? */
static int shown_before(const struct report_data *runs, int run, int group, const char *env,
			const struct group *g)
{
	for (int r = 0; r <= run; r++)
		for (int i = 0; i < (r == run ? group : runs[r].ngroups); i++) {
			const struct group *h = &runs[r].groups[i];
			if (!strcmp(h->workload, g->workload) && !strcmp(h->params, g->params) &&
			    h->cpus == g->cpus && group_series(h, env))
				return 1;
		}
	return 0;
}

static const struct series *find(const struct report_data *d, const struct group *g, const char *env)
{
	for (int i = 0; i < d->ngroups; i++) {
		const struct group *h = &d->groups[i];
		if (!strcmp(h->workload, g->workload) && !strcmp(h->params, g->params) &&
		    h->cpus == g->cpus)
			return group_series(h, env);
	}
	return NULL;
}

static void row(FILE *md, const struct report_data *runs, int n, const struct group *g, const char *env)
{
	struct stats a, b;
	double alo = 0, ahi = 0, blo, bhi;
	int a_ci, b_ci, have_a = median_ci(find(&runs[0], g, env), &a, &alo, &ahi, &a_ci) == 0;
	char x[32], y[32], z[32];

	fprintf(md, "| %s%s%s | %d | %s |", g->workload, *g->params ? " " : "", g->params, g->cpus, env);
	for (int r = 0; r < n; r++) {
		if (median_ci(find(&runs[r], g, env), &b, &blo, &bhi, &b_ci) < 0) {
			fprintf(md, " – |%s", r ? " – | – |" : "");
			continue;
		}
		fprintf(md, " %s (%zu) |", fmt_num(x, sizeof(x), b.median), b.n);
		if (r == 0)
			continue;
		if (!have_a || a.median == 0) {
			fprintf(md, " – | – |");
			continue;
		}
		fprintf(md, " %s |", fmt_num(x, sizeof(x), b.median / a.median));
		if (a_ci && b_ci && alo > 0 && ahi > 0)
			fprintf(md, " %s – %s |", fmt_num(y, sizeof(y), blo / ahi), fmt_num(z, sizeof(z), bhi / alo));
		else
			fprintf(md, " – |");
	}
	fprintf(md, " %s |\n", g->score_unit ? g->score_unit : "");
}

int report_compare_write(FILE *md, const struct report_data *runs, int n)
{
	fprintf(md, "# vmbench compare\n\n");
	for (int r = 0; r < n; r++)
		fprintf(md, "- %c: `%s`: suite %s, host %s, %s, git %s\n", 'A' + (r < 26 ? r : 25),
			runs[r].dir, str_or(runs[r].env, "suite", "?"), str_or(runs[r].env, "hostname", "?"),
			str_or(runs[r].env, "date", "?"), str_or(runs[r].env, "git_revision", "?"));
	fprintf(md, "\nMedian score of the ok runs (N in brackets); a ratio above 1 means a higher "
		"score than in A. Interval: from the sign-test confidence intervals of both medians "
		"(lower of the later / upper of A, upper / lower): the runs of two directories are not "
		"paired, so it is conservative; – where a median has fewer than 2 ok runs.\n\n");
	fprintf(md, "| workload | cpus | env | A |");
	for (int r = 1; r < n; r++)
		fprintf(md, " %c | %c/A | interval |", 'A' + (r < 26 ? r : 25), 'A' + (r < 26 ? r : 25));
	fprintf(md, " unit |\n|---|---:|---|---:|");
	for (int r = 1; r < n; r++)
		fprintf(md, "---:|---:|---:|");
	fprintf(md, "---|\n");
	for (int r = 0; r < n; r++)
		for (int i = 0; i < runs[r].ngroups; i++) {
			const struct group *g = &runs[r].groups[i];
			for (int s = 0; s < g->nseries; s++)
				if (!shown_before(runs, r, i, g->series[s].env, g) &&
				    !g->series[s].unavailable)
					row(md, runs, n, g, g->series[s].env);
		}
	return ferror(md) ? -1 : 0;
}

int cmd_compare(int argc, char **argv)
{
	const char *html_path = NULL;
	struct report_data *runs;
	char err[512];
	int first = 1, n, rc = 0;

	if (argc >= 3 && !strcmp(argv[1], "--html")) {
		html_path = argv[2];
		first = 3;
	}
	n = argc - first;
	if (n < 2) {
		fprintf(stderr, "usage: vmbench compare [--html FILE] DIR_A DIR_B [DIR...]\n");
		return EX_USAGE;
	}
	runs = calloc((size_t)n, sizeof(*runs));
	for (int r = 0; r < n && rc == 0; r++)
		if (argv[first + r][0] == '-' || report_data_load(argv[first + r], &runs[r], err, sizeof(err)) < 0) {
			fprintf(stderr, "vmbench: %s\n", argv[first + r][0] == '-' ?
				"usage: vmbench compare [--html FILE] DIR_A DIR_B [DIR...]" : err);
			rc = argv[first + r][0] == '-' ? EX_USAGE : EX_DATAERR;
			n = r;
		}
	if (rc == 0) {
		char *text = NULL;
		size_t len = 0;
		FILE *md = open_memstream(&text, &len);
		report_compare_write(md, runs, n);
		fclose(md);
		fputs(text, stdout);
		if (html_path) {
			FILE *in = fmemopen(text, len, "r"), *out = fopen(html_path, "w");
			if (!in || !out || report_html_write(in, out, "vmbench compare") < 0) {
				fprintf(stderr, "vmbench: cannot write %s\n", html_path);
				rc = EX_IOERR;
			}
			if (in)
				fclose(in);
			if (out && fclose(out) != 0 && rc == 0) {
				fprintf(stderr, "vmbench: cannot write %s\n", html_path);
				rc = EX_IOERR;
			}
		}
		free(text);
	}
	for (int r = 0; r < n; r++)
		report_data_free(&runs[r]);
	free(runs);
	return rc;
}
