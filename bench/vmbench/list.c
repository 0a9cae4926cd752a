/*
 * `vmbench list`: the suites (their cells, runs and how long they may take),
 * the workloads (and the environments that run each) and the environments
 * (available here or why not), as fio's and stress-ng's listings do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dry_run.h"
#include "list.h"
#include "paths.h"
#include "runner.h"
#include "spawn.h"
#include "suite.h"
#include "tools.h"

/* A suite's plan with every cell in each of its environments. */
static json_t *full_plan(const struct suite *s, int *runs)
{
	json_t *plan = json_array();

	*runs = 0;
	for (int c = 0; c < s->ncells; c++)
		for (int e = 0; s->cells[c].envs[e]; e++) {
			json_t *params = json_array();
			for (int k = 0; k < s->cells[c].nparams; k++)
				json_array_append_new(params, json_string(s->cells[c].params[k]));
			json_array_append_new(plan, json_pack("{s:s, s:o, s:i, s:s, s:i}",
				"workload", s->cells[c].workload, "params", params,
				"cpus", s->cells[c].cpus, "env", s->cells[c].envs[e],
				"runs", s->warmup + s->reps));
			*runs += s->warmup + s->reps;
		}
	return plan;
}

static void clock_text(char *buf, size_t len, long long s)
{
	if (s >= 3600)
		snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void list_suites(void)
{
	char *dir = paths_data("suites");
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);

	printf("suites (%s; vmbench run --suite NAME, or --suite FILE):\n", dir);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);
		char err[256], *path, most[32], about[96] = "";
		struct suite s;
		int runs;

		if (len > 5 && !strcmp(names[i]->d_name + len - 5, ".json") &&
		    asprintf(&path, "%s/%s", dir, names[i]->d_name) >= 0) {
			if (suite_load(path, &s, err, sizeof(err)) == 0) {
				json_t *plan = full_plan(&s, &runs);
				double est = estimate_from_last_run(s.name, plan, NULL);
				clock_text(most, sizeof(most), (long long)runs * s.timeout_s);
				if (est >= 0) {
					char t[32];
					clock_text(t, sizeof(t), (long long)(est + 0.5));
					snprintf(about, sizeof(about), "about %s (its last run), ", t);
				}
				const char *what = s.description ? s.description : "";
				const char *stop = strstr(what, ". ");   /* its first sentence */
				printf("  %-16s %d cells, %d runs, %sat most %s: %.*s\n", s.name, s.ncells,
				       runs, about, most, stop ? (int)(stop - what + 1) : (int)strlen(what), what);
				json_decref(plan);
				suite_free(&s);
			} else {
				printf("  %-16.*s unreadable: %s\n", (int)len - 5, names[i]->d_name, err);
			}
			free(path);
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
	else
		printf("  none\n");
	free(dir);
}

/* The native workload binary's own list: which workloads run only in the VM. */
static void list_workloads(void)
{
	char *bin = paths_join(paths_tool_dir(), "workload");
	char *argv[] = { bin, "--help", NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 10 };
	struct spawn_out out;

	printf("workloads (vmbench's envs that run them; `workload NAME --help` for each):\n");
	spawn_run(&req, &out);
	if (!out.started || out.exit_code != 0) {
		printf("  unknown: cannot run %s --help (%s)\n", bin, out.started ? "it failed" : out.error);
	} else {
		for (const char *p = out.out; *p; p += strcspn(p, "\n"), p += *p == '\n') {
			int len = (int)strcspn(p, "\n");
			/* vm-linux: io on its virtio-blk disk (1 vCPU); not net until virtio-net */
			int io = !strncmp(p, "  io ", 5), net = !strncmp(p, "  net ", 6);
			if (!strncmp(p, "  ", 2))
				printf("  %.*s\n      in: native, container, container-cr, vm%s\n", len - 2,
				       p + 2, net ? "" : io ? ", vm-linux (1 vCPU)" : ", vm-linux");
			else if (!strncmp(p, "inside lwvmm only:", 18))
				printf("  %.*s\n      in: vm\n", len, p);
		}
	}
	printf("  fio, iperf3, stress-ng (vmbench-tool: the standard tools)\n"
	       "      in: native, container; stress-ng also in vm-linux\n");
	spawn_out_free(&out);
	free(bin);
}

static void list_envs(void)
{
	struct run_ctx ctx = { .tool_dir = paths_tool_dir() };

	printf("environments (vmbench run --envs NAME,...):\n");
	for (int i = 0; runners[i]; i++) {
		char why[512] = "";
		int ok = runners[i]->available(&ctx, why, sizeof(why));
		printf("  %-12s %s: %s\n", runners[i]->name, ok ? "available" : "unavailable here",
		       ok ? runners[i]->what : why);
	}
}

int cmd_list(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";

	if (argc > 2 || (strcmp(what, "all") && strcmp(what, "suites") &&
			 strcmp(what, "workloads") && strcmp(what, "envs"))) {
		fprintf(stderr, "usage: vmbench list [suites|workloads|envs]\n");
		return 64;   /* EX_USAGE */
	}
	if (!strcmp(what, "all") || !strcmp(what, "suites"))
		list_suites();
	if (!strcmp(what, "all") || !strcmp(what, "workloads"))
		list_workloads();
	if (!strcmp(what, "all") || !strcmp(what, "envs"))
		list_envs();
	return 0;
}
