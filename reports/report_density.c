/*
 * The density section (issue 12): the density suite's dataset cells, N
 * instances reading one read-only image, as N domains in one lwvmm and as
 * N lwvmm processes, without (--disk F,ro) and with Disco's global buffer
 * cache (--disk F,ro,share), and natively as N processes (the page cache
 * shared by nature). Per kind and N: the footprint (domains: the lwvmm
 * process's Pss at the end of the run, the monitor's process_pss_kib, with
 * guest RAM's Pss apart; separate processes: fanout's pss_total_kib), the
 * ratio, per instance, the work rate (the instances' dataset scores summed:
 * warm passes) and the wall time of the whole run. A chart in the shape of
 * Disco's Fig. 6, with Disco's eight-VM bars (references.json "density")
 * beside ours.
 */
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "report_chart.h"
#include "report_density.h"
#include "report_fmt.h"
#include "report_md.h"
#include "spawn.h"

#define MAX_ROWS 64
#define CHART "density.svg"

/* How the N instances run: the rows' order in the table and the chart. */
enum kind { DOMAINS, LWVMM_PROCS, NATIVE_PROCS };
static const char *const kind_name[] = { "domains in one lwvmm", "lwvmm processes", "native processes" };

struct config {
	int have, have_guest;
	struct stats pss, guest, score, wall;
};

struct row {
	enum kind kind;
	int n;
	struct config c[2];   /* [0] without sharing, [1] with (native: the page cache, by nature) */
};

/*
 * Kind, N and sharing from a group's label: "dataset ... [lwvmm --domains N
 * --disk ,ro,share]", "... [lwvmm --disk ,ro] [instances N]" or, natively,
 * "... [instances N]".
 */
static int classify(const struct group *g, enum kind *kind, int *n, int *share)
{
	const char *v = strstr(g->params, "[lwvmm"), *inst = strstr(g->params, "[instances "), *dom, *disk;

	if (strcmp(g->workload, "dataset"))
		return -1;
	if (!v) {
		if (!inst)
			return -1;
		*kind = NATIVE_PROCS;
		*n = atoi(inst + strlen("[instances "));
		*share = 1;
		return *n >= 1 && *n <= 64 ? 0 : -1;
	}
	if (!(disk = strstr(v, "--disk ,ro")))
		return -1;
	dom = strstr(v, "--domains ");
	*kind = inst ? LWVMM_PROCS : DOMAINS;
	*n = inst ? atoi(inst + strlen("[instances ")) : dom ? atoi(dom + strlen("--domains ")) : 1;
	*share = !strncmp(disk, "--disk ,ro,share", strlen("--disk ,ro,share"));
	return *n >= 1 && *n <= 64 ? 0 : -1;
}

/*
 * Domains: the lwvmm process's Pss at the end of the run, guest RAM's apart.
 * Separate processes: fanout's largest sum of the copies' Pss.
 */
static void fill(struct config *c, const struct series *s, enum kind kind, int n)
{
	const char *pss = kind != DOMAINS ? "metrics.pss_total_kib" :
			  n > 1 ? "monitor.totals.process_pss_kib" : "monitor.memory.process_pss_kib";
	const char *guest = n > 1 ? "monitor.totals.guest_pss_kib" : "monitor.memory.pss_kib";

	c->have = s && s->n_ok && series_stats(s, pss, 0, &c->pss) == 0 &&
		  series_stats(s, "score", 0, &c->score) == 0 && series_stats(s, "wall_s", 0, &c->wall) == 0;
	c->have_guest = c->have && kind == DOMAINS && series_stats(s, guest, 0, &c->guest) == 0;
}

static int collect(const struct report_data *d, struct row *rows)
{
	int nrows = 0;

	for (int i = 0; i < d->ngroups; i++) {
		int n, share, r;
		enum kind kind;
		if (classify(&d->groups[i], &kind, &n, &share) < 0)
			continue;
		for (r = 0; r < nrows && (rows[r].n != n || rows[r].kind != kind); r++)
			;
		if (r == nrows) {
			if (nrows == MAX_ROWS)
				continue;
			memset(&rows[nrows], 0, sizeof(rows[nrows]));
			rows[nrows].kind = kind;
			rows[nrows++].n = n;
		}
		fill(&rows[r].c[share], group_series(&d->groups[i], kind == NATIVE_PROCS ? "native" : "vm"),
		     kind, n);
	}
	for (int a = 0; a < nrows; a++)   /* by kind, then N */
		for (int b = a + 1; b < nrows; b++)
			if (rows[b].kind < rows[a].kind || (rows[b].kind == rows[a].kind && rows[b].n < rows[a].n)) {
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
		fprintf(f, "%d %s,%.2f,%.2f\n", rows[r].n, kind_name[rows[r].kind],
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
		"set ylabel 'footprint (MiB): Pss summed'\n"
		"set title 'Footprint of N dataset instances, without and with sharing (Disco: pmake, MB)' noenhanced\n"
		"set xtics rotate by -30\n"
		"plot for [c=2:3] 'density.csv' using c:xtic(1)\n");
	fclose(f);
	if (!gnuplot) {
		snprintf(note, notelen, "gnuplot is not installed (Debian package gnuplot-nox); "
			 "density.csv and density.gp are in the run directory");
		goto out;
	}
	char *argv[] = { (char *)gnuplot, "-e",
			 "set terminal svg size 1000,500 dynamic background rgb 'white'; set output '" CHART "'",
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
	struct row rows[MAX_ROWS];
	int nrows = collect(d, rows);
	json_t *ref = json_object_get(refs, "density");
	char note[256] = "";

	if (nrows == 0)
		return;
	fprintf(md, "\n## Density: Disco's transparent sharing (Fig. 6)\n\n"
		"N identical instances of dataset read the same data set from one read-only image and scan "
		"it: as N domains in one lwvmm, as N separate lwvmm processes, and natively as N processes. "
		"In the VM the data set goes into the library OS's buffer cache: without sharing "
		"(`--disk F,ro`) each instance's cache holds its own copy; with Disco's global buffer cache "
		"(`--disk F,ro,share`) the cache's reads map the image's page-cache pages copy-on-write, "
		"so the instances use the same host frames. Natively every process maps the file, the one "
		"page cache shared by nature (its figure stands in the with-sharing column; containers would "
		"do the same and are not run). Footprint, median (min – max) in MiB: for domains the lwvmm "
		"process's Pss at the end of the run (every mapping: guest RAM and the monitor's own); for "
		"separate processes the largest sum of every copy's Pss, sampled every 20 ms while all ran "
		"(build/bin/fanout). Pss divides a shared page among its users, so the sum counts it once. "
		"The kernel's per-VM memory (page tables, KVM's structures; about 200 kB a VM on this host, "
		"../shared/HOST.md) is not in it. With sharing the image's pages count in it (the processes "
		"map them); without, the copies the monitor read them through stay in the host's page cache "
		"and do not: the comparison leans against sharing. Work rate: the instances' dataset scores "
		"summed (MB/s over the warm passes, all but the first), every instance on the cell's one CPU; "
		"wall: the whole run, exec to exit, including the first pass, where each shared page's first "
		"touch costs a shadow-page fault on a PVM host. The two columns' runs are not paired (one cell's "
		"repetitions, then the other's): on a loaded host compare their ranges, or pair them by hand "
		"(docs/host-notes.md).\n\n"
		"| instances | as | footprint without sharing | with sharing | less memory | guest RAM Pss without / with "
		"| per instance without / with | work rate without / with (MB/s, median (min – max)) | with / without | wall without / with |\n"
		"|---|---|---|---|---|---|---|---|---|---|\n");
	for (int r = 0; r < nrows; r++) {
		const struct config *a = &rows[r].c[0], *b = &rows[r].c[1];
		int n = rows[r].n;
		char pa[64], pb[64], ratio[32] = "–", guest[64] = "–", per[64] = "–", rate[128] = "–",
			rr[32] = "–", wall[64] = "–";
		mib(pa, sizeof(pa), a, &a->pss);
		mib(pb, sizeof(pb), b, &b->pss);
		if (a->have && b->have) {
			snprintf(ratio, sizeof(ratio), "%.2fx", a->pss.median / b->pss.median);
			snprintf(per, sizeof(per), "%.1f / %.1f", a->pss.median / 1024 / n, b->pss.median / 1024 / n);
			snprintf(rate, sizeof(rate), "%.0f (%.0f – %.0f) / %.0f (%.0f – %.0f)", a->score.median,
				 a->score.min, a->score.max, b->score.median, b->score.min, b->score.max);
			snprintf(rr, sizeof(rr), "%.1f%%", 100 * b->score.median / a->score.median);
			snprintf(wall, sizeof(wall), "%.2f / %.2f s", a->wall.median, b->wall.median);
		} else if (b->have) {   /* natively: one column */
			snprintf(per, sizeof(per), "– / %.1f", b->pss.median / 1024 / n);
			snprintf(rate, sizeof(rate), "– / %.0f (%.0f – %.0f)", b->score.median, b->score.min,
				 b->score.max);
			snprintf(wall, sizeof(wall), "– / %.2f s", b->wall.median);
		}
		if (a->have_guest && b->have_guest)
			snprintf(guest, sizeof(guest), "%.1f / %.1f", a->guest.median / 1024, b->guest.median / 1024);
		fprintf(md, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, kind_name[rows[r].kind],
			pa, pb, ratio, guest, per, rate, rr, wall);
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
