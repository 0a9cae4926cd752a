/* The chart's rows and its gnuplot script (report_chart_data.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_chart_data.h"
#include "report_fmt.h"

/* The overhead of s against native and its paired CI; -1 when s has no score. */
static int row_values(const struct group *g, const struct series *native, const struct series *s,
		      double *ov, double *lo, double *hi)
{
	struct stats nst, st;

	if (series_stats(native, "score", 0, &nst) < 0 || nst.median == 0 ||
	    series_stats(s, "score", 0, &st) < 0)
		return -1;
	*ov = (nst.median - st.median) / nst.median * 100;
	*lo = *hi = *ov;
	if (g->paired) {
		size_t max = json_array_size(s->runs) + 1;
		double *x = calloc(max, sizeof(*x)), l, h;
		size_t n = x ? series_paired_overheads(native, s, "score", x, max) : 0;
		if (n && stats_median_ci(x, n, 0.95, &l, &h) >= 0) {
			*lo = l < *ov ? l : *ov;   /* the median's overhead may lie outside */
			*hi = h > *ov ? h : *ov;   /* the median of the paired ones' interval */
		}
		free(x);
	}
	return 0;
}

/* Does cell g have a chart row for s? */
static int has_row(const struct group *g, const struct series *s)
{
	const struct series *native = group_series(g, "native");
	double ov, lo, hi;

	return native && s && s != native && row_values(g, native, s, &ov, &lo, &hi) == 0;
}

int chart_write_csv(FILE *f, const struct report_data *d, const char **envs, int *nenvs,
		    double *xmin, double *xmax, int *label_chars)
{
	int total = 0, kept = 0;

	/* environments without a row would be empty blocks: gnuplot warns about those */
	for (int e = 0; e < *nenvs; e++) {
		int n = 0;
		for (int i = 0; i < d->ngroups; i++)
			n += has_row(&d->groups[i], group_series(&d->groups[i], envs[e]));
		if (n)
			envs[kept++] = envs[e];
		total += n;
	}
	*nenvs = kept;
	*xmin = -5;
	*xmax = 20;   /* room for Disco's 16% */
	*label_chars = 0;
	fprintf(f, "# y,label,overhead_pct,ci_lo,ci_hi: one block per environment, %d rows\n", total);
	for (int e = 0; e < *nenvs; e++) {
		int k = 0;   /* rows top to bottom in the tables' order: y counts down */
		if (e)
			fprintf(f, "\n\n");
		for (int i = 0; i < d->ngroups; i++) {
			const struct group *g = &d->groups[i];
			for (int e2 = 0; e2 < *nenvs; e2++) {
				const struct series *s = group_series(g, envs[e2]);
				double ov, lo, hi;
				char label[256];
				if (!has_row(g, s))
					continue;
				k++;
				if (e2 != e)
					continue;
				row_values(g, group_series(g, "native"), s, &ov, &lo, &hi);
				snprintf(label, sizeof(label), "%s %s%s%s (%d cpu)", s->env, g->workload,
					 *g->params ? " " : "", g->params, g->cpus);
				for (char *c = label; *c; c++)
					if (*c == '"')
						*c = '\'';
				fprintf(f, "%d,\"%s\",%.3f,%.3f,%.3f\n", total + 1 - k, label, ov, lo, hi);
				*label_chars = (int)strlen(label) > *label_chars ? (int)strlen(label) : *label_chars;
				*xmin = lo < *xmin ? lo : *xmin;
				*xmax = hi > *xmax ? hi : *xmax;
			}
		}
	}
	return total;
}

int chart_height(int rows)
{
	return 220 + 28 * rows;   /* title, axis and a two-row key, then the rows */
}

/* Xen's range: the smallest and largest overhead of its figures (0-3%). */
static int xen_range(json_t *refs, double *lo, double *hi)
{
	json_t *fig;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(refs, "figures"), i, fig) {
		json_t *v = json_object_get(fig, "overhead_pct");
		if (strcmp(str_or(fig, "source", ""), "xen") || !json_is_number(v))
			continue;
		double x = json_number_value(v);
		*lo = n == 0 || x < *lo ? x : *lo;
		*hi = n == 0 || x > *hi ? x : *hi;
		n++;
	}
	return n;
}

void chart_write_script(FILE *f, const struct report_data *d, json_t *refs, const char *csv_name,
			const char **envs, int nenvs, int rows, double xmin, double xmax, int label_chars)
{
	json_t *headline = json_object_get(refs, "headline");
	double disco = json_number_value(json_object_get(headline, "overhead_pct"));
	double xen_lo = 0, xen_hi = 0;
	int have_disco = json_is_number(json_object_get(headline, "overhead_pct"));
	int have_xen = xen_range(refs, &xen_lo, &xen_hi);
	double pad = (xmax - xmin) * 0.05;

	fprintf(f, "# Overhead against native per cell and environment, with its paired\n"
		"# confidence interval, beside the papers' figures. Redraw with:\n"
		"#   gnuplot -e \"set terminal svg size %d,%d dynamic background rgb 'white'; "
		"set output 'overhead.svg'\" overhead.gp\n", CHART_WIDTH, chart_height(rows));
	fprintf(f, "set datafile separator ','\n");
	fprintf(f, "set title \"vmbench, suite %s: overhead against native\\n"
		"(points: the medians' overhead; bars: its paired confidence interval, as in the tables)\" noenhanced\n",
		str_or(d->env, "suite", "?"));
	fprintf(f, "set xlabel 'overhead vs native, %% (positive = slower than native)'\n");
	fprintf(f, "set xrange [%.0f:%.0f]\nset yrange [0.3:%d.7]\n", floor(xmin - pad), ceil(xmax + pad), rows);
	/* the labels get what they need on the left (about 8.5 px a character), the plot the rest */
	double left = (8.5 * label_chars + 30) / CHART_WIDTH;
	fprintf(f, "set lmargin at screen %.2f\nset rmargin at screen 0.97\n",
		left < 0.15 ? 0.15 : left > 0.6 ? 0.6 : left);
	fprintf(f, "set ytics noenhanced nomirror\nset grid xtics\nset key outside bottom center horizontal maxrows 2 width 2 noenhanced\n");
	fprintf(f, "set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb '#444444'\n");
	if (have_xen)
		fprintf(f, "set object 1 rect from %g, graph 0 to %g, graph 1 fc rgb '#cfe2f3' "
			"fs solid 0.6 noborder behind\n", xen_lo, xen_hi > xen_lo ? xen_hi : xen_lo + 0.2);
	if (have_disco)
		fprintf(f, "set arrow 2 from %g, graph 0 to %g, graph 1 nohead dt 2 lw 2 lc rgb '#cc0000'\n",
			disco, disco);
	fprintf(f, "plot ");
	for (int e = 0; e < nenvs; e++)
		fprintf(f, "%s'%s' index %d using 3:1:4:5:ytic(2) with xerrorbars pt 7 ps 1 lw 1.5 title '%s'",
			e ? ", \\\n     " : "", csv_name, e, envs[e]);
	if (have_xen)
		fprintf(f, ", \\\n     keyentry with boxes fs solid 0.6 noborder lc rgb '#cfe2f3' title 'Xen 2003: %g-%g%%'",
			xen_lo, xen_hi);
	if (have_disco)
		fprintf(f, ", \\\n     keyentry with lines dt 2 lw 2 lc rgb '#cc0000' title 'Disco 1997, worst case: %g%%'",
			disco);
	fprintf(f, "\n");
}
