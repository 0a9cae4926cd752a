/* `vmbench run --dry-run` (dry_run.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "dry_run.h"

/* A (cell, environment) as one string: "workload|p1 p2|cpus|env". */
static char *pair_key(json_t *rec)
{
	char *key = NULL;
	size_t len = 0, i;
	json_t *p;
	FILE *f = open_memstream(&key, &len);

	fprintf(f, "%s|", json_string_value(json_object_get(rec, "workload")) ?
		json_string_value(json_object_get(rec, "workload")) : "");
	json_array_foreach(json_object_get(rec, "params"), i, p)
		fprintf(f, "%s ", json_string_value(p) ? json_string_value(p) : "");
	json_array_foreach(json_object_get(rec, "lwvmm_args"), i, p)   /* a VM variant */
		fprintf(f, "[%s] ", json_string_value(p) ? json_string_value(p) : "");
	if (json_string_value(json_object_get(rec, "disk_opts")))   /* ro and ro,share are two cells */
		fprintf(f, "[--disk ,%s] ", json_string_value(json_object_get(rec, "disk_opts")));
	if (json_integer_value(json_object_get(rec, "instances")) > 0)
		fprintf(f, "[instances %lld] ", (long long)json_integer_value(json_object_get(rec, "instances")));
	fprintf(f, "|%lld|%s", json_integer_value(json_object_get(rec, "cpus")),
		json_string_value(json_object_get(rec, "env")) ?
		json_string_value(json_object_get(rec, "env")) : "");
	fclose(f);
	return key;
}

/* The newest run directory of this suite under results/ (malloc'd), or NULL. */
static char *last_run_dir(const char *suite)
{
	DIR *d = opendir("results");
	struct dirent *e;
	char *best = NULL;

	while (d && (e = readdir(d))) {
		char *path;
		if (e->d_name[0] == '.' || asprintf(&path, "results/%s/environment.json", e->d_name) < 0)
			continue;
		json_t *env = json_load_file(path, 0, NULL);
		const char *name = json_string_value(json_object_get(env, "suite"));
		if (name && !strcmp(name, suite) && (!best || strcmp(e->d_name, best) > 0)) {
			free(best);
			best = strdup(e->d_name);
		}
		json_decref(env);
		free(path);
	}
	if (d)
		closedir(d);
	return best;
}

/* (dry_run.h) */
double estimate_from_last_run(const char *suite, json_t *plan, char **from)
{
	char *dir = last_run_dir(suite), *path, *line = NULL;
	json_t *sums = json_object(), *entry;
	double all = 0, total = 0;
	int nall = 0;
	size_t cap = 0, i;
	FILE *f;

	if (from)
		*from = dir;
	if (!dir || asprintf(&path, "results/%s/results.jsonl", dir) < 0) {
		json_decref(sums);
		if (!from)
			free(dir);
		return -1;
	}
	f = fopen(path, "r");
	free(path);
	if (!from)
		free(dir);
	while (f && getline(&line, &cap, f) > 0) {
		json_t *rec = json_loads(line, 0, NULL);
		json_t *wall = json_object_get(rec, "wall_s");
		if (json_is_number(wall)) {
			char *key = pair_key(rec);
			json_t *s = json_object_get(sums, key);
			double w = json_number_value(wall);
			json_object_set_new(sums, key, json_pack("[f,i]",
				json_real_value(json_array_get(s, 0)) + w,
				(int)json_integer_value(json_array_get(s, 1)) + 1));
			all += w;
			nall++;
			free(key);
		}
		json_decref(rec);
	}
	free(line);
	if (f)
		fclose(f);
	json_array_foreach(plan, i, entry) {
		char *key = pair_key(entry);
		json_t *s = json_object_get(sums, key);
		double mean = s ? json_real_value(json_array_get(s, 0)) /
				  (double)json_integer_value(json_array_get(s, 1)) :
			      nall ? all / nall : 0;
		total += mean * (double)json_integer_value(json_object_get(entry, "runs"));
		free(key);
	}
	json_decref(sums);
	return nall ? total : -1;
}

static void clock_text(FILE *f, long long s)
{
	if (s >= 3600)
		fprintf(f, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		fprintf(f, "%lld:%02lld", s / 60, s % 60);
}

int dry_run_print(FILE *f, const struct suite *s, json_t *plan, json_t *envs, int timeout_s)
{
	json_t *entry, *p;
	size_t i, k;
	int runs = 0, pairs = 0;

	fprintf(f, "suite %s: %d repetition(s) after %d warm-up run(s) per cell and environment\n",
		s->name, s->reps, s->warmup);
	json_array_foreach(plan, i, entry) {
		const char *env = json_string_value(json_object_get(entry, "env"));
		int n = (int)json_integer_value(json_object_get(entry, "runs"));
		char cell[600];
		size_t len = 0;

		len += (size_t)snprintf(cell, sizeof(cell), "%s",
					json_string_value(json_object_get(entry, "workload")));
		json_array_foreach(json_object_get(entry, "params"), k, p)
			if (len < sizeof(cell))
				len += (size_t)snprintf(cell + len, sizeof(cell) - len, " %s",
							json_string_value(p));
		const char *disk_opts = json_string_value(json_object_get(entry, "disk_opts"));
		int variant = json_array_size(json_object_get(entry, "lwvmm_args")) || disk_opts;
		if (variant && len < sizeof(cell))
			len += (size_t)snprintf(cell + len, sizeof(cell) - len, " [lwvmm");
		json_array_foreach(json_object_get(entry, "lwvmm_args"), k, p)
			if (len < sizeof(cell))
				len += (size_t)snprintf(cell + len, sizeof(cell) - len, " %s",
							json_string_value(p));
		if (disk_opts && len < sizeof(cell))   /* as suite.c's label */
			len += (size_t)snprintf(cell + len, sizeof(cell) - len, " --disk ,%s", disk_opts);
		if (variant && len < sizeof(cell))
			len += (size_t)snprintf(cell + len, sizeof(cell) - len, "]");
		if (json_integer_value(json_object_get(entry, "instances")) > 0 && len < sizeof(cell))
			len += (size_t)snprintf(cell + len, sizeof(cell) - len, " [instances %lld]",
						(long long)json_integer_value(json_object_get(entry, "instances")));
		if (len < sizeof(cell))
			snprintf(cell + len, sizeof(cell) - len, " (cpus %lld)",
				 json_integer_value(json_object_get(entry, "cpus")));
		if (n > 0)
			fprintf(f, "  %-12s %s: %d run%s\n", env, cell, n, n == 1 ? "" : "s");
		else
			fprintf(f, "  %-12s %s: not run: %s\n", env, cell,
				json_string_value(json_object_get(json_object_get(envs, env), "why")));
		runs += n;
		pairs += n > 0;
	}
	char *from = NULL;
	double estimate = estimate_from_last_run(s->name, plan, &from);

	fprintf(f, "%d runs in %d cell/environment pairs; ", runs, pairs);
	if (estimate >= 0) {
		fprintf(f, "about ");
		clock_text(f, (long long)(estimate + 0.5));
		fprintf(f, " of runs, from the last run of suite %s (results/%s); ", s->name, from);
	}
	fprintf(f, "at most ");
	clock_text(f, (long long)runs * timeout_s);
	fprintf(f, " (every run up to its timeout of %d s); nothing was run\n", timeout_s);
	free(from);
	return runs;
}
