/*
 * `vmbench run --suite NAME [--envs a,b] [--reps N] [--out DIR] [--timeout S]`
 *
 * For every cell, every environment (native first, so VM checksums can be
 * compared with it), warm-up runs and then measured repetitions. Each run
 * is appended to results.jsonl as soon as it ends. stdout gets exactly one
 * line, the run directory; progress goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "envrecord.h"
#include "hostload.h"
#include "netcell.h"
#include "disk_image.h"
#include "dry_run.h"
#include "paths.h"
#include "progress.h"
#include "run_judge.h"
#include "run_options.h"
#include "result_line.h"
#include "results_json.h"
#include "run.h"
#include "run_dir.h"
#include "runner.h"
#include "spawn.h"
#include "suite.h"
#include "topo.h"

#define MAX_ENVS 16


/* The state of one `vmbench run`. */
struct harness {
	struct suite suite;
	struct run_ctx ctx;
	const struct runner *selected[MAX_ENVS]; /* --envs, or NULL = all */
	int nselected;
	int available[MAX_ENVS];                 /* by index in runners[] */
	char why[MAX_ENVS][256];
	FILE *results;
	int done, total, failed;
	int ran;                                 /* runs that were started */
	struct progress progress;                /* the lines on stderr */
};


static int select_envs(struct harness *h, const char *list)
{
	char *copy, *save = NULL;

	if (!list)
		return 0;
	copy = strdup(list);
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct runner *r = runner_find(name);
		if (!r) {
			fprintf(stderr, "vmbench: unknown environment '%s' (known:", name);
			for (int i = 0; runners[i]; i++)
				fprintf(stderr, " %s", runners[i]->name);
			fprintf(stderr, ")\n");
			free(copy);
			return -1;
		}
		if (h->nselected < MAX_ENVS)
			h->selected[h->nselected++] = r;
	}
	free(copy);
	if (h->nselected == 0) {
		fprintf(stderr, "vmbench: --envs lists no environment\n");
		return -1;
	}
	return 0;
}

/* Is runners[index] wanted for this cell (by the suite and by --envs)? */
static int cell_wants(const struct harness *h, const struct cell *c, int index)
{
	const char *name = runners[index]->name;
	int in_cell = 0, in_cli = h->nselected == 0;

	for (int i = 0; c->envs[i]; i++)
		in_cell |= !strcmp(c->envs[i], name);
	for (int i = 0; i < h->nselected; i++)
		in_cli |= h->selected[i] == runners[index];
	return in_cell && in_cli;
}

static int check_suite_envs(const struct suite *s)
{
	for (int i = 0; i < s->ncells; i++)
		for (int e = 0; s->cells[i].envs[e]; e++)
			if (!runner_find(s->cells[i].envs[e])) {
				fprintf(stderr, "vmbench: %s: cells[%d] names unknown environment '%s'\n",
					s->path, i, s->cells[i].envs[e]);
				return -1;
			}
	return 0;
}

/*
 * Say which of the --envs no cell of the suite runs in. Returns how many
 * (cell, environment) pairs remain: 0 means there is nothing to run.
 */
static int check_selected_envs(const struct harness *h)
{
	const struct suite *s = &h->suite;
	int pairs = 0;

	for (int k = 0; k < h->nselected; k++) {
		int used = 0;
		for (int c = 0; c < s->ncells; c++)
			for (int e = 0; s->cells[c].envs[e]; e++)
				used |= !strcmp(s->cells[c].envs[e], h->selected[k]->name);
		if (used)
			continue;
		fprintf(stderr, "vmbench: suite %s has no cell in %s (its cells run in:",
			s->name, h->selected[k]->name);
		for (int i = 0, n = 0; runners[i]; i++) {
			int in_suite = 0;
			for (int c = 0; c < s->ncells; c++)
				for (int e = 0; s->cells[c].envs[e]; e++)
					in_suite |= !strcmp(s->cells[c].envs[e], runners[i]->name);
			if (in_suite)
				fprintf(stderr, "%s %s", n++ ? "," : "", runners[i]->name);
		}
		fprintf(stderr, ")\n");
	}
	for (int c = 0; c < s->ncells; c++)
		for (int i = 0; runners[i]; i++)
			pairs += cell_wants(h, &s->cells[c], i);
	return pairs;
}

static json_t *availability(const struct harness *h)
{
	json_t *envs = json_object();

	for (int i = 0; runners[i]; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "available", json_boolean(h->available[i]));
		json_object_set_new(e, "what", json_string(runners[i]->what));
		if (!h->available[i])
			json_object_set_new(e, "why", json_string(h->why[i]));
		json_object_set_new(envs, runners[i]->name, e);
	}
	return envs;
}

/*
 * The plan: every (cell, environment) this run means to do and how many
 * runs each gets (0 where the environment is unavailable here). The
 * report compares it with results.jsonl to tell a stopped run from a
 * complete one.
 */
static json_t *plan_json(const struct harness *h)
{
	const struct suite *s = &h->suite;
	json_t *plan = json_array();

	for (int c = 0; c < s->ncells; c++)
		for (int i = 0; runners[i]; i++) {
			const struct cell *cell = &s->cells[c];
			if (!cell_wants(h, cell, i))
				continue;
			json_t *params = json_array();
			for (int k = 0; k < cell->nparams; k++)
				json_array_append_new(params, json_string(cell->params[k]));
			json_t *entry = json_pack("{s:s, s:o, s:i, s:s, s:i}",
				"workload", cell->workload, "params", params, "cpus", cell->cpus,
				"env", runners[i]->name,
				"runs", h->available[i] ? s->warmup + s->reps : 0);
			if (cell->nlwvmm_args) {   /* a VM variant: part of the cell's key */
				json_t *a = json_array();
				for (int k = 0; k < cell->nlwvmm_args; k++)
					json_array_append_new(a, json_string(cell->lwvmm_args[k]));
				json_object_set_new(entry, "lwvmm_args", a);
			}
			if (cell->disk_opts)
				json_object_set_new(entry, "disk_opts", json_string(cell->disk_opts));
			if (cell->instances)
				json_object_set_new(entry, "instances", json_integer(cell->instances));
			json_array_append_new(plan, entry);
		}
	return plan;
}

static void count_runs(struct harness *h)
{
	const struct suite *s = &h->suite;

	h->total = 0;
	for (int c = 0; c < s->ncells; c++)
		for (int i = 0; runners[i]; i++)
			if (cell_wants(h, &s->cells[c], i) && h->available[i])
				h->total += s->warmup + s->reps;
}

/*
 * argv for the workload itself in environment r:
 * NAME [--threads N] PARAMS... [--file F --direct D] [EXTRA...]
 * *threads is N (malloc'd; the caller frees it), NULL when PARAMS have
 * --threads of their own.
 */
static char **workload_argv(const struct cell *c, const struct runner *r,
			    char *const *extra, char **threads)
{
	int nextra = 0;

	while (extra && extra[nextra])
		nextra++;
	char **argv = calloc((size_t)c->nparams + (size_t)nextra + 8, sizeof(*argv));   /* name --threads N, --file F --direct D, NULL */
	int n = 0, has_threads = 0;

	argv[n++] = (char *)c->workload;
	for (int i = 0; i < c->nparams; i++)
		has_threads |= !strcmp(c->params[i], "--threads");
	*threads = NULL;
	if (!has_threads) {
		if (asprintf(threads, "%d", c->cpus) < 0)
			*threads = NULL;
		argv[n++] = "--threads";
		argv[n++] = *threads;
	}
	for (int i = 0; i < c->nparams; i++)
		argv[n++] = (char *)c->params[i];
	if (c->disk_path) {   /* fio's file (where r shows it); the VM gets it as --disk */
		argv[n++] = "--file";
		argv[n++] = r->file_inside ? (char *)r->file_inside : c->disk_path;
		argv[n++] = "--direct";
		argv[n++] = c->disk_direct ? "1" : "0";
	}
	for (int i = 0; i < nextra; i++)   /* net cells: where the peer listens */
		argv[n++] = extra[i];
	return argv;
}


/* One environment's runs of a cell and what they share: the workload's
 * argv and, for net cells, the peer (netcell.h). */
struct series {
	int env;                 /* index in runners[] */
	struct netcell net;
	char **argv;
	char *threads;           /* argv's --threads N, when vmbench added it */
};

/*
 * Record that runners[env] does not run cell c, and why. The runs of an
 * available environment are in h->total (count_runs), so they count as
 * done. -1 when results.jsonl cannot be written.
 */
static int not_run(struct harness *h, const struct cell *c, int env, const char *why)
{
	json_t *j = results_unavailable(&h->suite, c, runners[env]->name, why);
	int rc = results_append(h->results, j) < 0 ? -1 : 0;

	json_decref(j);
	char cell[300];

	snprintf(cell, sizeof(cell), "%s (cpus %d)", c->label, c->cpus);
	progress_not_run(&h->progress, runners[env]->name, cell, why);
	if (h->available[env])
		h->done += h->suite.warmup + h->suite.reps;
	return rc;
}

/*
 * Set up a series. 0 when it can run; 1 when it cannot (recorded as
 * unavailable with the reason); -1 when results.jsonl cannot be written.
 */
static int series_begin(struct harness *h, const struct cell *c, int env_index,
			hwloc_const_cpuset_t pus, struct series *s)
{
	const struct runner *r = runners[env_index];
	char why[512];

	memset(s, 0, sizeof(*s));
	s->env = env_index;
	s->net.saved_netns = -1;
	if (c->net && netcell_begin(&s->net, &h->ctx, r->name, pus, why, sizeof(why)) < 0)
		return not_run(h, c, env_index, why) < 0 ? -1 : 1;
	s->argv = workload_argv(c, r, c->net ? s->net.extra_argv : NULL, &s->threads);
	return 0;
}

static void series_end(const struct cell *c, struct series *s)
{
	if (c->net)
		netcell_end(&s->net);
	free(s->threads);
	free(s->argv);
}

/* What native's first ok run of a cell told: the others' checksums must match its. */
struct native_ref {
	int ran_ok;              /* native has had an ok run */
	int has_sum;             /* ... and it printed a checksum, sum */
	double sum;
};

/*
 * Run i of a series (warm-ups first, then reps), its checksum checked
 * against native's (and native's kept there when it is the first).
 * Returns -1 when interrupted or results.jsonl cannot be written.
 */
static int run_one(struct harness *h, const struct cell *c, struct series *s, int i,
		   hwloc_const_cpuset_t pus, const char *pus_text, struct native_ref *native)
{
	const struct runner *r = runners[s->env];
	int is_native = !strcmp(r->name, "native");
	int warmup = i < h->suite.warmup, rc = 0;
	struct run_request req = {
		.cell = c, .warmup = warmup, .pus = pus, .workload_argv = s->argv,
		.rep = warmup ? i + 1 : i - h->suite.warmup + 1,
		.net = s->net.net_arg[0] ? s->net.net_arg : NULL,
	};
	struct run_result res;
	struct result_line line;
	char error[512] = "";
	int parsed, ok;

	memset(&res, 0, sizeof(res));
	h->done++;
	h->ran++;
	char cell[300], shown[600], score[32];
	snprintf(cell, sizeof(cell), "%s (cpus %d)", c->label, c->cpus);
	progress_run_begins(&h->progress, h->done, r->name, cell, warmup ? "warm-up" : "rep",
			    req.rep, warmup ? h->suite.warmup : h->suite.reps);
	double load = loadavg_1m();
	struct cpu_sample before, after;
	hostload_sample(pus, &before);
	r->run(&h->ctx, &req, &res);
	hostload_sample(pus, &after);
	ok = judge(c, &res, &line, &parsed, error, sizeof(error), h->ctx.timeout_s);

	const double *sum = parsed ? result_line_get(&line, "checksum") : NULL;
	if (ok && is_native && !native->ran_ok) {
		native->ran_ok = 1;
		native->has_sum = sum != NULL;
		native->sum = sum ? *sum : 0;
	} else if (ok && sum && !is_native && native->has_sum && *sum != native->sum) {
		ok = 0;
		snprintf(error, sizeof(error), "checksum differs from native");
	}
	if (ok)
		snprintf(shown, sizeof(shown), res.proc.wall_s < 1 ? "%s %s, %.1f ms" : "%s %s, %.2f s",
			 progress_score(score, sizeof(score), line.score), line.score_unit,
			 res.proc.wall_s < 1 ? res.proc.wall_s * 1000 : res.proc.wall_s);
	else
		snprintf(shown, sizeof(shown), "FAILED: %s", error);
	progress_run_ends(&h->progress, h->done, shown);
	if (!ok && !warmup)
		h->failed++;

	struct run_record rec = {
		.suite = &h->suite, .cell = c, .env = r->name, .req = &req,
		.pus = pus_text, .res = &res, .line = parsed ? &line : NULL,
		.ok = ok, .error = error, .loadavg = load,
		.have_cpu_sample = before.ok && after.ok,
		.pus_busy_s = after.busy_s - before.busy_s,
		.pus_steal_s = after.steal_s - before.steal_s,
		.cpu_sample_s = after.at_s - before.at_s, .cpu_tick_s = after.tick_s,
	};
	json_t *j = results_record(&rec);
	if (results_append(h->results, j) < 0) {
		fprintf(stderr, "vmbench: cannot write results.jsonl: %s\n", strerror(errno));
		rc = -1;
	}
	json_decref(j);
	json_decref(res.monitor);
	spawn_out_free(&res.proc);
	if (res.proc.interrupted || spawn_interrupted())
		rc = -1;
	return rc;
}

/*
 * An io cell's backing file (disk_image.h: one per size, made again when it
 * is not whole, whether it takes O_DIRECT asked once).
 */
static int prepare_disk(struct harness *h, struct cell *c, char *err, size_t errlen)
{
	c->disk_path = disk_image_prepare(h->ctx.run_dir, c->disk_bytes, &c->disk_direct,
					  err, errlen);
	return c->disk_path ? 0 : -1;
}

static int run_cell(struct harness *h, struct cell *c)
{
	char err[256], pus_text[128] = "";
	hwloc_bitmap_t pus = topo_first_pus(c->cpus, err, sizeof(err));
	int rc = 0, planned[MAX_ENVS], nplanned = 0;
	struct native_ref native = { 0 };

	if (pus)
		hwloc_bitmap_list_snprintf(pus_text, sizeof(pus_text), pus);
	if (c->disk && !c->disk_path && prepare_disk(h, c, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench: %s\n", err);
		hwloc_bitmap_free(pus);
		return -1;
	}
	for (int i = 0; runners[i] && rc == 0; i++) {
		char cell_why[512] = "";

		if (!cell_wants(h, c, i))
			continue;
		int cell_ok = !runners[i]->cell_supported ||
			      runners[i]->cell_supported(c, cell_why, sizeof(cell_why));
		if (!h->available[i] || !pus || !cell_ok) {
			const char *why = !pus ? err : !h->available[i] ? h->why[i] : cell_why;
			if (not_run(h, c, i, why) < 0)
				rc = -1;
			continue;
		}
		planned[nplanned++] = i;
	}
	/*
	 * Non-net cells run interleaved: warm-up or rep i of every environment,
	 * then i + 1, so that a host whose speed drifts (other tenants, thermal)
	 * skews every environment alike rather than the one that ran last. The
	 * order rotates by one from one round to the next, so that whatever the
	 * previous run leaves behind (its teardown, the page cache, a disk's
	 * write-back) does not always fall on the same environment. Native's
	 * checksum is what the others are checked against, so native (series[0]
	 * when planned) starts every round until one of its runs is ok, and the
	 * rotation only then: a failed native run leaves the others of its round
	 * unchecked, not the rounds after. Net cells run one series after the
	 * other: one peer at a time.
	 */
	struct series series[MAX_ENVS];
	int runs = h->suite.warmup + h->suite.reps, group = c->net ? 1 : nplanned;
	for (int first = 0; first < nplanned && rc == 0; first += group) {
		int nseries = 0;
		for (int k = first; k < first + group && k < nplanned && rc == 0; k++) {
			int b = series_begin(h, c, planned[k], pus, &series[nseries]);
			if (b < 0)
				rc = -1;
			else if (b == 0)
				nseries++;
		}
		int has_native = nseries && !strcmp(runners[series[0].env]->name, "native");
		for (int i = 0, turn = 0; i < runs && rc == 0; i++) {
			for (int k = 0; k < nseries && rc == 0; k++)
				rc = run_one(h, c, &series[(k + turn) % nseries], i, pus, pus_text,
					     &native);
			turn += native.ran_ok || !has_native;
		}
		for (int k = 0; k < nseries; k++)
			series_end(c, &series[k]);
	}
	hwloc_bitmap_free(pus);
	return rc;
}

/* Would --out DIR replace an earlier run's results? */
static int out_holds_results(const char *out)
{
	char *path = paths_join(out, "results.jsonl");
	struct stat st;
	int holds = path && stat(path, &st) == 0;

	free(path);
	return holds;
}

int cmd_run(int argc, char **argv)
{
	struct harness h;
	struct options o;
	char err[512], *suite_path, *dir = NULL, *results_path = NULL;
	int rc = EX_USAGE;

	memset(&h, 0, sizeof(h));
	if (parse_options(argc, argv, &o) < 0)
		return EX_USAGE;
	if (select_envs(&h, o.envs) < 0)
		return EX_USAGE;
	suite_path = paths_find_suite(o.suite, err, sizeof(err));
	if (!suite_path) {
		fprintf(stderr, "vmbench: %s\n", err);
		return EX_USAGE;
	}
	if (suite_load(suite_path, &h.suite, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench: bad suite: %s\n", err);
		free(suite_path);
		return EX_USAGE;
	}
	free(suite_path);
	if (check_suite_envs(&h.suite) < 0)
		goto out;
	if (o.workloads && suite_keep_workloads(&h.suite, o.workloads, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench: --workloads: %s\n", err);
		goto out;
	}
	if (check_selected_envs(&h) == 0) {
		fprintf(stderr, "vmbench: nothing to run\n");
		rc = EX_UNAVAILABLE;
		goto out;
	}
	if (o.reps)
		h.suite.reps = o.reps;
	if (o.dry_run) {
		h.ctx.tool_dir = paths_tool_dir();
		h.ctx.timeout_s = o.timeout_s ? o.timeout_s : h.suite.timeout_s;
		for (int i = 0; runners[i] && i < MAX_ENVS; i++)
			h.available[i] = runners[i]->available(&h.ctx, h.why[i], sizeof(h.why[i]));
		json_t *plan = plan_json(&h), *envs = availability(&h);
		rc = dry_run_print(stdout, &h.suite, plan, envs, h.ctx.timeout_s) ? 0 : EX_UNAVAILABLE;
		json_decref(plan);
		json_decref(envs);
		goto out;
	}
	if (o.out && out_holds_results(o.out)) {
		fprintf(stderr, "vmbench: %s already holds a run's results (results.jsonl): "
			"give another --out, or remove it first\n", o.out);
		goto out;
	}
	rc = EX_SOFTWARE;   /* from here on a failure is vmbench's or the host's */
	if (topo_load(err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench: %s\n", err);
		goto out;
	}
	sweep_dead_runs(o.out);
	dir = run_dir_make(o.out, h.suite.name);
	if (!dir)
		goto out;
	if (disk_image_claim(dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmbench: %s\n", err);
		goto out;
	}
	results_path = paths_join(dir, "results.jsonl");
	h.results = fopen(results_path, "w");
	if (!h.results) {
		fprintf(stderr, "vmbench: cannot write %s: %s\n", results_path, strerror(errno));
		goto out;
	}

	h.ctx.tool_dir = paths_tool_dir();
	h.ctx.run_dir = dir;
	h.ctx.timeout_s = o.timeout_s ? o.timeout_s : h.suite.timeout_s;
	for (int i = 0; runners[i] && i < MAX_ENVS; i++)
		h.available[i] = runners[i]->available(&h.ctx, h.why[i], sizeof(h.why[i]));

	json_t *env = envrecord_collect(&h.ctx);
	json_t *cmd = json_array();
	json_array_append_new(cmd, json_string("vmbench"));
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(env, "command", cmd);
	json_object_set_new(env, "suite", json_string(h.suite.name));
	json_object_set_new(env, "reps", json_integer(h.suite.reps));
	if (o.workloads)
		json_object_set_new(env, "workloads", json_string(o.workloads));
	json_object_set_new(env, "warmup", json_integer(h.suite.warmup));
	json_object_set_new(env, "timeout_s", json_integer(h.ctx.timeout_s));
	json_object_set_new(env, "run_order", json_string("interleaved: run i of every environment, "
		"then run i + 1, the order rotating by one environment each round once native, "
		"whose checksum the others must match, has run ok (native first until then; "
		"net cells: one environment after the other)"));
	json_object_set_new(env, "envs", availability(&h));
	json_object_set_new(env, "plan", plan_json(&h));
	int written = run_dir_write_json(dir, "environment.json", env) == 0 &&
		      run_dir_write_json(dir, "suite.json", h.suite.doc) == 0;
	json_decref(env);
	if (!written)
		goto out;

	count_runs(&h);
	fprintf(stderr, "vmbench: suite %s, %d runs, results in %s\n", h.suite.name,
		h.total, dir);
	spawn_catch_signals();
	progress_init(&h.progress, h.total);
	int stopped = 0;
	for (int c = 0; c < h.suite.ncells && !stopped; c++)
		stopped = run_cell(&h, &h.suite.cells[c]) < 0;

	char elapsed[32];
	fprintf(stderr, "vmbench: %d of %d runs done, %d measured runs failed, elapsed %s\n",
		h.done, h.total, h.failed, progress_elapsed(&h.progress, elapsed, sizeof(elapsed)));
	if (stopped)
		fprintf(stderr, "vmbench: stopped early; the runs so far are in %s\n", dir);
	printf("%s\n", dir);
	if (stopped)
		rc = spawn_interrupted() ? 128 + spawn_interrupted() : EX_SOFTWARE;
	else if (h.ran == 0) {
		fprintf(stderr, "vmbench: nothing ran: no selected environment could run "
			"any cell here (the reasons are above and in %s/results.jsonl)\n", dir);
		rc = EX_UNAVAILABLE;
	} else
		rc = h.failed ? 1 : 0;
out:
	disk_image_cleanup();
	if (h.results)
		fclose(h.results);
	free(results_path);
	free(dir);
	suite_free(&h.suite);
	return rc;
}
