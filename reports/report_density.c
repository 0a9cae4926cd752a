/*
 * The density section (issue 12): the density suite's dataset cells, N
 * domains in one lwvmm reading one read-only image without (--disk F,ro) and
 * with Disco's global buffer cache (--disk F,ro,share). Per N: the lwvmm
 * process's Pss at the end of the run (the monitor's process_pss_kib: every
 * mapping, guest RAM and the monitor's own), guest RAM's Pss apart, their
 * ratio, the work rate (the domains' dataset scores summed: warm passes) and
 * the wall time of the whole run. A chart in the shape of Disco's Fig. 6,
 * with Disco's eight-VM bars (references.json "density") beside ours.
 */
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "report_chart.h"
#include "report_density.h"
#include "report_fmt.h"
#include "report_md.h"
#include "spawn.h"

#define MAX_N 64
#define CHART "density.svg"

struct config {
	int have;
	struct stats pss, guest, score, wall;
};

struct row {
	int n;
	struct config c[2];   /* [0] without sharing, [1] with */
};

/* N and sharing from a group's label: "dataset ... [lwvmm --domains N --disk ,ro,share]". */
static int classify(const struct group *g, int *n, int *share)
{
	const char *v = strstr(g->params, "[lwvmm"), *dom, *disk;

	if (strcmp(g->workload, "dataset") || !v || !(disk = strstr(v, "--disk ,ro")))
		return -1;
	dom = strstr(v, "--domains ");
	*n = dom ? atoi(dom + strlen("--domains ")) : 1;
	*share = !strncmp(disk, "--disk ,ro,share", strlen("--disk ,ro,share"));
	return *n >= 1 && *n <= MAX_N ? 0 : -1;
}

static void fill(struct config *c, const struct series *s, int n)
{
	const char *pss = n > 1 ? "monitor.totals.process_pss_kib" : "monitor.memory.process_pss_kib";
	const char *guest = n > 1 ? "monitor.totals.guest_pss_kib" : "monitor.memory.pss_kib";

	c->have = s && s->n_ok && series_stats(s, pss, 0, &c->pss) == 0 &&
		  series_stats(s, guest, 0, &c->guest) == 0 && series_stats(s, "score", 0, &c->score) == 0 &&
		  series_stats(s, "wall_s", 0, &c->wall) == 0;
}

static int collect(const struct report_data *d, struct row *rows)
{
	int nrows = 0;

	for (int i = 0; i < d->ngroups; i++) {
		int n, share, r;
		if (classify(&d->groups[i], &n, &share) < 0)
			continue;
		for (r = 0; r < nrows && rows[r].n != n; r++)
			;
		if (r == nrows) {
			if (nrows == MAX_N)
				continue;
			memset(&rows[nrows], 0, sizeof(rows[nrows]));
			rows[nrows++].n = n;
		}
		fill(&rows[r].c[share], group_series(&d->groups[i], "vm"), n);
	}
	for (int a = 0; a < nrows; a++)   /* by N */
		for (int b = a + 1; b < nrows; b++)
			if (rows[b].n < rows[a].n) {
				struct row t = rows[a];
				rows[a] = rows[b];
				rows[b] = t;
			}
	return nrows;
}

static void mib(char *buf, size_t len, const struct config *c, const struct stats *st)
{
	if (c->have)
		snprintf(buf, len, "%.1f (%.1f – %.1f)", st->median / 1024, st->min / 1024, st->max / 1024);
	else
		snprintf(buf, len, "–");
}

/* density.csv / density.gp / density.svg; the chart's file name or NULL with `note`. */
static const char *chart(const struct report_data *d, json_t *refs, const struct row *rows, int nrows,
			 char *note, size_t notelen)
{
	char *csv = paths_join(d->dir, "density.csv"), *gp = paths_join(d->dir, "density.gp");
	const char *gnuplot = report_gnuplot_path(), *result = NULL;
	json_t *ref = json_object_get(refs, "density");
	FILE *f = fopen(csv, "w");

	if (!f) {
		snprintf(note, notelen, "cannot write density.csv");
		goto out;
	}
	fprintf(f, "config,without sharing,with sharing\n");
	for (int r = 0; r < nrows; r++)
		fprintf(f, "%d domain%s,%.2f,%.2f\n", rows[r].n, rows[r].n > 1 ? "s" : "",
			rows[r].c[0].have ? rows[r].c[0].pss.median / 1024 : 0,
			rows[r].c[1].have ? rows[r].c[1].pss.median / 1024 : 0);
	if (ref)
		fprintf(f, "Disco %lld VMs,%g,%g\n", json_integer_value(json_object_get(ref, "domains")),
			json_number_value(json_object_get(ref, "without_mb")),
			json_number_value(json_object_get(ref, "with_mb")));
	fclose(f);
	f = fopen(gp, "w");
	if (!f) {
		snprintf(note, notelen, "cannot write density.gp");
		goto out;
	}
	/* TOOLS.md's traps: stats before the ranges, an explicit xrange, titles from the header. */
	fprintf(f, "set datafile separator ','\nset key autotitle columnheader\n"
		"stats 'density.csv' using 2 nooutput\n"
		"set style data histogram\nset style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
		"set key outside bottom center horizontal\nset yrange [0:*]\n"
		"set xrange [-0.5:STATS_records-0.5]\nset xtics noenhanced\n"
		"set ylabel 'footprint (MiB): Pss of the lwvmm process'\n"
		"set title 'Footprint of dataset in N domains, without and with sharing (Disco: pmake, MB)' noenhanced\n"
		"plot for [c=2:3] 'density.csv' using c:xtic(1)\n");
	fclose(f);
	if (!gnuplot) {
		snprintf(note, notelen, "gnuplot is not installed (Debian package gnuplot-nox); "
			 "density.csv and density.gp are in the run directory");
		goto out;
	}
	char *argv[] = { (char *)gnuplot, "-e",
			 "set terminal svg size 800,450 dynamic background rgb 'white'; set output '" CHART "'",
			 "density.gp", NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 30, .cwd = d->dir };
	struct spawn_out out;
	spawn_run(&req, &out);
	if (out.exit_code == 0)
		result = CHART;
	else
		snprintf(note, notelen, "gnuplot failed (exit %d)", out.exit_code);
	spawn_out_free(&out);
out:
	free(csv);
	free(gp);
	return result;
}

void report_density_section(FILE *md, const struct report_data *d, json_t *refs)
{
	struct row rows[MAX_N];
	int nrows = collect(d, rows);
	json_t *ref = json_object_get(refs, "density");
	char note[256] = "";

	if (nrows == 0)
		return;
	fprintf(md, "\n## Density: Disco's transparent sharing (Fig. 6)\n\n"
		"N identical domains in one lwvmm read the same data set from one read-only image into "
		"their library OS's buffer cache and scan it (dataset). Without sharing (`--disk F,ro`) "
		"each domain's cache holds its own copy; with Disco's global buffer cache "
		"(`--disk F,ro,share`) the cache's reads map the image's page-cache pages copy-on-write, "
		"so the domains use the same host frames. Footprint: the lwvmm process's Pss at the end of "
		"the run (every mapping: guest RAM and the monitor's own; the kernel's per-VM memory is not "
		"in it), median (min – max) in MiB; guest RAM's own Pss beside it. With sharing the image's "
		"pages count in it (the process maps them); without, the copies the monitor read them "
		"through stay in the host's page cache and do not: the comparison leans against sharing. "
		"Work rate: the domains' dataset scores summed (MB/s over the warm passes, all but the "
		"first); wall: the whole run, exec to exit, including the first pass, where each shared "
		"page's first touch costs a shadow-page fault on a PVM host. Natively and in containers "
		"every process maps the one page cache by nature (not measured here).\n\n"
		"| domains | footprint without sharing | with sharing | less memory | guest RAM Pss without / with "
		"| per domain without / with | work rate without / with (MB/s) | with / without | wall without / with |\n"
		"|---|---|---|---|---|---|---|---|---|\n");
	for (int r = 0; r < nrows; r++) {
		const struct config *a = &rows[r].c[0], *b = &rows[r].c[1];
		char pa[64], pb[64], ratio[32] = "–", guest[64] = "–", per[64] = "–", rate[64] = "–",
			rr[32] = "–", wall[64] = "–";
		mib(pa, sizeof(pa), a, &a->pss);
		mib(pb, sizeof(pb), b, &b->pss);
		if (a->have && b->have) {
			int n = rows[r].n;
			snprintf(ratio, sizeof(ratio), "%.2fx", a->pss.median / b->pss.median);
			snprintf(guest, sizeof(guest), "%.1f / %.1f", a->guest.median / 1024, b->guest.median / 1024);
			snprintf(per, sizeof(per), "%.1f / %.1f", a->pss.median / 1024 / n, b->pss.median / 1024 / n);
			snprintf(rate, sizeof(rate), "%.0f / %.0f", a->score.median, b->score.median);
			snprintf(rr, sizeof(rr), "%.1f%%", 100 * b->score.median / a->score.median);
			snprintf(wall, sizeof(wall), "%.2f / %.2f s", a->wall.median, b->wall.median);
		}
		fprintf(md, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", rows[r].n, pa, pb, ratio, guest,
			per, rate, rr, wall);
	}
	if (ref)
		fprintf(md, "\n%s.\n", str_or(ref, "what", ""));
	const char *svg = report_is_measurement(d->env) ? chart(d, refs, rows, nrows, note, sizeof(note)) : NULL;
	if (svg)
		fprintf(md, "\n![Footprint per configuration without and with sharing, beside Disco's](%s)\n", svg);
	else
		fprintf(md, "\n(No density chart: %s.)\n",
			note[0] ? note : "not a measurement (fewer than 3 repetitions per cell)");
}
