/*
 * The chart: overhead against native with its paired CI per cell and
 * environment, beside Disco's and Xen's figures (report_chart_data.c writes
 * the data and the script; here gnuplot renders them). Horizontal rows, so
 * that long labels (io's) read level and do not squeeze the plot. The CSV
 * and script stay in the run directory so readers can redraw or restyle it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "spawn.h"
#include "report_chart.h"
#include "report_chart_data.h"
#include "report_md.h"

#define CHART "overhead.svg"

const char *report_gnuplot_path(void)
{
	static const char *const candidates[] = {
		"/usr/bin/gnuplot", "/usr/local/bin/gnuplot", "/bin/gnuplot", NULL
	};

	for (int i = 0; candidates[i]; i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

/* Environments other than native that have a score somewhere, in first-seen order. */
static int other_envs(const struct report_data *d, const char **envs, int max)
{
	int n = 0;

	for (int i = 0; i < d->ngroups; i++)
		for (int s = 0; s < d->groups[i].nseries; s++) {
			const char *env = d->groups[i].series[s].env;
			int seen = !strcmp(env, "native");
			for (int k = 0; k < n; k++)
				seen |= !strcmp(envs[k], env);
			if (!seen && n < max)
				envs[n++] = env;
		}
	return n;
}

const char *report_chart(const struct report_data *d, json_t *refs, char *note, size_t notelen)
{
	const char *envs[REPORT_MAX_ENVS], *gnuplot = report_gnuplot_path();
	char *csv = paths_join(d->dir, "overhead.csv");
	char *gp = paths_join(d->dir, "overhead.gp");
	char *svg = paths_join(d->dir, CHART);
	char terminal[160];
	const char *result = NULL;
	int nenvs = other_envs(d, envs, REPORT_MAX_ENVS), rows = 0;
	double xmin, xmax;
	int label_chars = 0;
	FILE *f;

	if (!report_is_measurement(d->env)) {
		snprintf(note, notelen, "not a measurement (fewer than 3 repetitions per cell)");
		goto out;
	}
	f = fopen(csv, "w");
	if (f) {
		rows = chart_write_csv(f, d, envs, &nenvs, &xmin, &xmax, &label_chars);
		fclose(f);
	}
	if (rows <= 0) {
		snprintf(note, notelen, "no cell has both a native and another environment's score");
		goto out;
	}
	f = fopen(gp, "w");
	if (!f) {
		snprintf(note, notelen, "cannot write %s", gp);
		goto out;
	}
	chart_write_script(f, d, refs, "overhead.csv", envs, nenvs, rows, xmin, xmax, label_chars);
	fclose(f);
	if (!gnuplot) {
		snprintf(note, notelen, "gnuplot is not installed (Debian package gnuplot-nox); "
			 "overhead.csv and overhead.gp are in the run directory");
		goto out;
	}

	/* gnuplot resolves 'overhead.csv' against its working directory; the
	 * height grows with the rows so that their labels never overlap */
	snprintf(terminal, sizeof(terminal), "set terminal svg size %d,%d dynamic "
		 "background rgb 'white'; set output '" CHART "'", CHART_WIDTH, chart_height(rows));
	char *argv[] = { (char *)gnuplot, "-e", terminal, "overhead.gp", NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 30, .cwd = d->dir };
	struct spawn_out out;
	spawn_run(&req, &out);
	if (out.exit_code == 0 && access(svg, R_OK) == 0) {
		result = CHART;
	} else {
		const char *tail = spawn_tail_lines(out.err, 1);
		snprintf(note, notelen, "gnuplot failed: %.*s", (int)strcspn(tail, "\n"),
			 *tail ? tail : out.error);
	}
	spawn_out_free(&out);
out:
	free(csv);
	free(gp);
	free(svg);
	return result;
}
