/* Reading and checking a suite file. Unknown keys are errors: a typo in a
 * suite must not silently change what is measured. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"   /* lwvmm/: the one size parser */
#include "suite.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int check_keys(json_t *obj, const char *const *allowed, const char *where,
		      char *err, size_t errlen)
{
	const char *key;
	json_t *value;

	json_object_foreach(obj, key, value) {
		int known = 0;
		for (const char *const *a = allowed; *a; a++)
			known |= !strcmp(key, *a);
		if (!known)
			return fail(err, errlen, "%s: unknown key '%s'", where, key);
	}
	return 0;
}

/* An array of strings -> NULL-terminated vector pointing into the JSON. */
static const char **string_vector(json_t *arr, const char *what, int *count,
				  char *err, size_t errlen)
{
	size_t i, n;
	const char **v;

	if (!json_is_array(arr)) {
		fail(err, errlen, "%s must be an array of strings", what);
		return NULL;
	}
	n = json_array_size(arr);
	v = calloc(n + 1, sizeof(*v));
	for (i = 0; v && i < n; i++) {
		v[i] = json_string_value(json_array_get(arr, i));
		if (!v[i]) {
			fail(err, errlen, "%s must be an array of strings", what);
			free(v);
			return NULL;
		}
	}
	if (count)
		*count = (int)n;
	return v;
}

static int get_int(json_t *obj, const char *key, int def, int min, int *out,
		   const char *where, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		*out = def;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > 1000000)
		return fail(err, errlen, "%s: '%s' must be an integer >= %d",
			    where, key, min);
	*out = (int)json_integer_value(v);
	return 0;
}

static char *make_label(const struct cell *c)
{
	size_t len = strlen(c->workload) + 1 + 8 + (c->disk_opts ? strlen(c->disk_opts) + 10 : 0) + 24;
	char *label;

	for (int i = 0; i < c->nparams; i++)
		len += strlen(c->params[i]) + 1;
	for (int i = 0; i < c->nlwvmm_args; i++)
		len += strlen(c->lwvmm_args[i]) + 1;
	label = malloc(len);
	if (!label)
		return NULL;
	strcpy(label, c->workload);
	for (int i = 0; i < c->nparams; i++) {
		strcat(label, " ");
		strcat(label, c->params[i]);
	}
	if (c->nlwvmm_args || c->disk_opts) {   /* the same text reports/report_data.c groups by */
		strcat(label, " [lwvmm");
		for (int i = 0; i < c->nlwvmm_args; i++) {
			strcat(label, " ");
			strcat(label, c->lwvmm_args[i]);
		}
		if (c->disk_opts) {
			strcat(label, " --disk ,");
			strcat(label, c->disk_opts);
		}
		strcat(label, "]");
	}
	if (c->instances)   /* N copies at once (fanout) */
		sprintf(label + strlen(label), " [instances %d]", c->instances);
	return label;
}

/*
 * A cell's lwvmm_args and numa_sim (a VM variant): the options must be
 * non-empty strings that cannot be mistaken for the ones vmbench sets
 * itself, the cell must run in env vm alone, and numa_sim needs --numa.
 */
static int load_vm_variant(json_t *obj, struct cell *c, const char *where,
			   char *err, size_t errlen)
{
	static const char *const reserved[] = {
		"--cpus", "--mem", "--stats-json", "--timeout", "--disk", "--net", "--workload",
		"--numa-sim", "--", NULL
	};
	json_t *v = json_object_get(obj, "lwvmm_args"), *sim = json_object_get(obj, "numa_sim");
	int has_numa = 0;

	if (!v) {
		if (sim)
			return fail(err, errlen, "%s: 'numa_sim' needs 'lwvmm_args' with --numa", where);
		return 0;
	}
	c->lwvmm_args = string_vector(v, "lwvmm_args", &c->nlwvmm_args, err, errlen);
	if (!c->lwvmm_args)
		return -1;
	if (c->nlwvmm_args == 0 || c->nlwvmm_args > 32)
		return fail(err, errlen, "%s: 'lwvmm_args' must hold 1 to 32 options", where);
	for (int i = 0; i < c->nlwvmm_args; i++) {
		const char *a = c->lwvmm_args[i];
		if (!*a || strlen(a) > 200)
			return fail(err, errlen, "%s: lwvmm_args[%d] must be 1 to 200 characters", where, i);
		for (const char *const *r = reserved; *r; r++)
			if (!strcmp(a, *r))
				return fail(err, errlen, "%s: lwvmm_args may not hold '%s' (vmbench sets it%s)",
					    where, a, !strcmp(a, "--numa-sim") ? ": use 'numa_sim'" : "");
		has_numa |= !strcmp(a, "--numa");
	}
	for (int i = 0; c->envs && c->envs[i]; i++)
		if (strcmp(c->envs[i], "vm"))
			return fail(err, errlen, "%s: a cell with 'lwvmm_args' runs in env vm alone, "
				    "not in '%s' (give it \"envs\": [\"vm\"])", where, c->envs[i]);
	if (!sim)
		return 0;
	c->numa_sim = json_string_value(sim);
	if (!has_numa)
		return fail(err, errlen, "%s: 'numa_sim' needs --numa in 'lwvmm_args'", where);
	char *end = NULL;
	long nodes = c->numa_sim && !strncmp(c->numa_sim, "nodes=", 6) ?
		strtol(c->numa_sim + 6, &end, 10) : 0;
	if (!end || end == c->numa_sim + 6 || (*end && *end != ',') || nodes < 2 || nodes > 8 ||
	    strlen(c->numa_sim) > 200)
		return fail(err, errlen, "%s: 'numa_sim' must be \"nodes=N[,...]\" with N from 2 to 8", where);
	c->numa_sim_nodes = (int)nodes;
	return 0;
}

static int load_cell(json_t *obj, int index, const char **suite_envs,
		     struct cell *c, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"workload", "params", "cpus", "mem", "envs", "disk", "disk_opts", "net", "lwvmm_args", "numa_sim",
		"instances", "comment", NULL
	};
	char where[32];
	json_t *v;

	snprintf(where, sizeof(where), "cells[%d]", index);
	if (!json_is_object(obj))
		return fail(err, errlen, "%s must be an object", where);
	if (check_keys(obj, keys, where, err, errlen) < 0)
		return -1;
	c->workload = json_string_value(json_object_get(obj, "workload"));
	if (!c->workload || !*c->workload)
		return fail(err, errlen, "%s: 'workload' must be a non-empty string", where);
	v = json_object_get(obj, "params");
	if (v) {
		c->params = string_vector(v, "params", &c->nparams, err, errlen);
		if (!c->params)
			return -1;
	} else {
		c->params = calloc(1, sizeof(*c->params));
	}
	if (get_int(obj, "cpus", 1, 1, &c->cpus, where, err, errlen) < 0)
		return -1;
	v = json_object_get(obj, "mem");
	c->mem = v ? json_string_value(v) : "512M";
	if (!c->mem || parse_size(c->mem, &c->mem_bytes) < 0)
		return fail(err, errlen, "%s: 'mem' must be a size like \"512M\" or \"1G\"",
			    where);
	v = json_object_get(obj, "disk");
	if (v) {
		c->disk = json_string_value(v);
		if (!c->disk || parse_size(c->disk, &c->disk_bytes) < 0)
			return fail(err, errlen, "%s: 'disk' must be a size like \"1G\"", where);
	}
	v = json_object_get(obj, "disk_opts");
	if (v) {
		c->disk_opts = json_string_value(v);
		if (!c->disk || !c->disk_opts ||
		    (strcmp(c->disk_opts, "ro") && strcmp(c->disk_opts, "ro,share")))
			return fail(err, errlen, "%s: 'disk_opts' must be \"ro\" or \"ro,share\", with a 'disk'", where);
	}
	v = json_object_get(obj, "net");
	if (v && !json_is_boolean(v))
		return fail(err, errlen, "%s: 'net' must be true or false", where);
	c->net = v && json_is_true(v);
	v = json_object_get(obj, "envs");
	if (v) {
		c->envs = string_vector(v, "envs", NULL, err, errlen);
		if (!c->envs)
			return -1;
	} else {
		int n = 0;
		while (suite_envs[n])
			n++;
		c->envs = calloc((size_t)n + 1, sizeof(*c->envs));
		if (c->envs)
			memcpy(c->envs, suite_envs, (size_t)n * sizeof(*c->envs));
	}
	if (load_vm_variant(obj, c, where, err, errlen) < 0)
		return -1;
	if (get_int(obj, "instances", 0, 1, &c->instances, where, err, errlen) < 0)
		return -1;
	if (c->instances > 64)
		return fail(err, errlen, "%s: 'instances' must be from 1 to 64", where);
	for (int i = 0; c->instances && c->envs && c->envs[i]; i++)
		if (strcmp(c->envs[i], "vm") && strcmp(c->envs[i], "native"))
			return fail(err, errlen, "%s: a cell with 'instances' runs in native and vm only, "
				    "not in '%s'", where, c->envs[i]);
	for (int i = 0; c->disk_opts && c->envs && c->envs[i]; i++)
		if (strcmp(c->envs[i], "vm"))
			return fail(err, errlen, "%s: a cell with 'disk_opts' runs in env vm alone, "
				    "not in '%s' (give it \"envs\": [\"vm\"])", where, c->envs[i]);
	c->label = make_label(c);
	if (!c->params || !c->envs || !c->label)
		return fail(err, errlen, "out of memory");
	return 0;
}

int suite_load(const char *path, struct suite *s, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"name", "description", "reps", "warmup", "timeout_s", "envs",
		"cells", "comment", NULL
	};
	static const char *const default_envs[] = { "native", "vm", NULL };
	const char **envs = NULL;
	json_error_t jerr;
	json_t *cells, *v;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	s->doc = json_load_file(path, 0, &jerr);
	if (!s->doc)
		return fail(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	s->path = strdup(path);
	if (!json_is_object(s->doc)) {
		fail(err, errlen, "%s: a suite is a JSON object", path);
		goto out;
	}
	if (check_keys(s->doc, keys, path, err, errlen) < 0)
		goto out;
	s->name = json_string_value(json_object_get(s->doc, "name"));
	if (!s->name || !*s->name || strchr(s->name, '/')) {
		fail(err, errlen, "%s: 'name' must be a non-empty string without '/'", path);
		goto out;
	}
	s->description = json_string_value(json_object_get(s->doc, "description"));
	if (!s->description)
		s->description = "";
	if (get_int(s->doc, "reps", 5, 1, &s->reps, path, err, errlen) < 0 ||
	    get_int(s->doc, "warmup", 1, 0, &s->warmup, path, err, errlen) < 0 ||
	    get_int(s->doc, "timeout_s", 300, 1, &s->timeout_s, path, err, errlen) < 0)
		goto out;
	v = json_object_get(s->doc, "envs");
	envs = v ? string_vector(v, "envs", NULL, err, errlen) : NULL;
	if (v && !envs)
		goto out;
	cells = json_object_get(s->doc, "cells");
	if (!json_is_array(cells) || json_array_size(cells) == 0) {
		fail(err, errlen, "%s: 'cells' must be a non-empty array", path);
		goto out;
	}
	s->ncells = (int)json_array_size(cells);
	s->cells = calloc((size_t)s->ncells, sizeof(*s->cells));
	if (!s->cells) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	for (int i = 0; i < s->ncells; i++)
		if (load_cell(json_array_get(cells, (size_t)i), i,
			      envs ? envs : (const char **)default_envs,
			      &s->cells[i], err, errlen) < 0)
			goto out;
	rc = 0;
out:
	free(envs);
	if (rc < 0)
		suite_free(s);
	return rc;
}

static void cell_free(struct cell *c)
{
	free(c->params);
	free(c->lwvmm_args);
	free(c->envs);
	free(c->label);
	free(c->disk_path);
}

void suite_free(struct suite *s)
{
	for (int i = 0; s->cells && i < s->ncells; i++)
		cell_free(&s->cells[i]);
	free(s->cells);
	free(s->path);
	json_decref(s->doc);
	memset(s, 0, sizeof(*s));
}

/* "cpu, mem, io": the suite's workloads, each once, for error messages. */
static void workload_list(const struct suite *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; i < s->ncells && used < len; i++) {
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= !strcmp(s->cells[j].workload, s->cells[i].workload);
		if (!seen)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 s->cells[i].workload);
	}
}

int suite_keep_workloads(struct suite *s, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *keep = calloc((size_t)s->ncells + 1, 1), *save = NULL;
	int kept = 0, rc = 0;

	if (!copy || !keep) {
		free(copy);
		free(keep);
		return fail(err, errlen, "out of memory");
	}
	/* every name first, so that an unknown one leaves the suite as it was */
	for (char *name = strtok_r(copy, ",", &save); name && rc == 0;
	     name = strtok_r(NULL, ",", &save)) {
		int found = 0;
		for (int i = 0; i < s->ncells; i++)
			if (!strcmp(s->cells[i].workload, name))
				keep[i] = found = 1;
		if (!found) {
			char known[256];
			workload_list(s, known, sizeof(known));
			rc = fail(err, errlen, "suite %s has no cell of workload '%s' (its workloads: %s)",
				  s->name, name, known);
		}
	}
	for (int i = 0; i < s->ncells && rc == 0; i++) {
		if (keep[i])
			s->cells[kept++] = s->cells[i];
		else
			cell_free(&s->cells[i]);
	}
	if (rc == 0)
		s->ncells = kept;
	free(keep);
	free(copy);
	return rc;
}
