/*
 * The chart follows the gnuplot recipe checked in shared/TOOLS.md §4
 * (clustered histogram, key below, noenhanced tics). The CSV and script stay
 * in the run directory so readers can redraw or restyle the chart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "spawn.h"
#include "report_chart.h"

#define CHART "relative.svg"

static const char *find_gnuplot(void)
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

static int write_csv(const struct report_data *d, const char *path, const char **envs,
		     int nenvs, double *ymax)
{
	FILE *f = fopen(path, "w");
	int rows = 0;

	if (!f)
		return -1;
	fprintf(f, "cell,native");
	for (int e = 0; e < nenvs; e++)
		fprintf(f, ",%s", envs[e]);
	fprintf(f, "\n");
	*ymax = 100;
	for (int i = 0; i < d->ngroups; i++) {
		const struct group *g = &d->groups[i];
		const struct series *native = group_series(g, "native");
		struct stats nst, st;

		if (!native || series_stats(native, "score", 0, &nst) < 0 || nst.median <= 0)
			continue;
		fprintf(f, "%s%s%s (%d cpu),100", g->workload, *g->params ? " " : "",
			g->params, g->cpus);
		for (int e = 0; e < nenvs; e++) {
			const struct series *s = group_series(g, envs[e]);
			if (s && series_stats(s, "score", 0, &st) == 0) {
				double rel = 100 * st.median / nst.median;
				fprintf(f, ",%.2f", rel);
				if (rel > *ymax)
					*ymax = rel;
			} else {
				fprintf(f, ",0"); /* not run or no ok run: an empty bar */
			}
		}
		fprintf(f, "\n");
		rows++;
	}
	fclose(f);
	return rows;
}

const char *report_chart(const struct report_data *d, char *note, size_t notelen)
{
	const char *envs[REPORT_MAX_ENVS], *gnuplot = find_gnuplot();
	char *csv = paths_join(d->dir, "relative.csv");
	char *gp = paths_join(d->dir, "relative.gp");
	char *svg = paths_join(d->dir, CHART);
	const char *result = NULL;
	int nenvs = other_envs(d, envs, REPORT_MAX_ENVS), rows;
	double ymax;
	FILE *f;

	rows = write_csv(d, csv, envs, nenvs, &ymax);
	if (rows <= 0 || nenvs == 0) {
		snprintf(note, notelen, "no cell has both a native and another environment's score");
		goto out;
	}
	f = fopen(gp, "w");
	if (!f) {
		snprintf(note, notelen, "cannot write %s", gp);
		goto out;
	}
	fprintf(f, "# Median score relative to native (= 100), per cell. Redraw with:\n"
		"#   gnuplot -e \"set terminal svg size 900,480 dynamic background rgb 'white'; "
		"set output 'relative.svg'\" relative.gp\n"
		"set datafile separator ','\nset key autotitle columnheader\n"
		"set style data histogram\nset style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
		"set key outside bottom center horizontal\n"
		"set yrange [0:%.0f]\nset xrange [-0.5:%d-0.5]\n"
		"set ylabel 'median score, native = 100'\nset xtics noenhanced rotate by -20\n"
		"set grid ytics\n"
		"plot for [c=2:%d] 'relative.csv' using c:xtic(1)\n",
		ymax * 1.15, rows, nenvs + 2);
	fclose(f);
	if (!gnuplot) {
		snprintf(note, notelen, "gnuplot is not installed (Debian package gnuplot-nox); "
			 "relative.csv and relative.gp are in the run directory");
		goto out;
	}

	/* gnuplot resolves 'relative.csv' against its working directory */
	char *argv[] = { (char *)gnuplot, "-e", "set terminal svg size 900,480 dynamic "
			 "background rgb 'white'; set output '" CHART "'", "relative.gp", NULL };
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
