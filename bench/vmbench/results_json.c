/*
 * The schema of results.jsonl, one object per run:
 *   suite, workload, params [..], env, rep, warmup, cpus, pus, mem,
 *   ok, error, exit_status, signal, timed_out, wall_s, cpu_s, max_rss_kib,
 *   loadavg_before, others_cpu_s and steal_s (other work on the pinned PUs,
 *   over cpu_sample_s of wall time, counted in cpu_tick_s ticks),
 *   score, score_unit, metrics {name: number}, stderr_tail [lines] and
 *   stdout_tail [lines other than result lines] of a failed run,
 *   and for VMs exits {reason: count} and monitor {...the monitor's stats};
 *   a VM variant's cell adds lwvmm_args [..], disk_opts "ro"|"ro,share", instances N (fanout) and, with numa_sim, numa_sim
 *   (the spec) and numa_simulated (whether this host needed it).
 * reports/ reads exactly these names.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results_json.h"
#include "runner.h"
#include "spawn.h"

static json_t *params_array(const struct cell *c)
{
	json_t *a = json_array();

	for (int i = 0; i < c->nparams; i++)
		json_array_append_new(a, json_string(c->params[i]));
	return a;
}

static json_t *base_record(const struct suite *s, const struct cell *c,
			   const char *env)
{
	json_t *o = json_object();

	json_object_set_new(o, "suite", json_string(s->name));
	json_object_set_new(o, "workload", json_string(c->workload));
	json_object_set_new(o, "params", params_array(c));
	json_object_set_new(o, "env", json_string(env));
	json_object_set_new(o, "cpus", json_integer(c->cpus));
	if (c->nlwvmm_args) {
		json_t *a = json_array();
		for (int i = 0; i < c->nlwvmm_args; i++)
			json_array_append_new(a, json_string(c->lwvmm_args[i]));
		json_object_set_new(o, "lwvmm_args", a);
	}
	if (c->disk_opts)
		json_object_set_new(o, "disk_opts", json_string(c->disk_opts));
	if (c->instances)
		json_object_set_new(o, "instances", json_integer(c->instances));
	if (c->numa_sim) {
		json_object_set_new(o, "numa_sim", json_string(c->numa_sim));
		json_object_set_new(o, "numa_simulated", json_boolean(vm_numa_simulated(c)));
	}
	return o;
}

static json_t *stderr_lines(const char *text, int max_lines)
{
	const char *p = spawn_tail_lines(text, max_lines);
	json_t *a = json_array();

	while (*p) {
		char line[301];
		size_t len = strcspn(p, "\n");
		if (len > sizeof(line) - 1)
			len = sizeof(line) - 1;
		/* JSON strings must be UTF-8: a guest may print anything */
		for (size_t i = 0; i < len; i++)
			line[i] = (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\t' ? p[i] : '?';
		json_array_append_new(a, json_stringn(line, len));
		p += strcspn(p, "\n");
		if (*p)
			p++;
	}
	return a;
}

/*
 * The last lines of a failed run's stdout other than result lines: in a VM
 * the guest's console, where a workload says why it refused its arguments.
 */
static json_t *stdout_lines(const char *text, int max_lines)
{
	size_t len = strlen(text), n = 0;
	char *kept = malloc(len + 1);
	json_t *a;

	if (!kept)
		return json_array();
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n");
		if (strncmp(p, "result ", 7)) {
			memcpy(kept + n, p, l);
			n += l;
			kept[n++] = '\n';
		}
		p += l;
		if (*p)
			p++;
	}
	kept[n] = '\0';
	a = stderr_lines(kept, max_lines);
	free(kept);
	return a;
}

json_t *results_record(const struct run_record *r)
{
	const struct spawn_out *proc = &r->res->proc;
	json_t *o = base_record(r->suite, r->cell, r->env);

	json_object_set_new(o, "rep", json_integer(r->req->rep));
	json_object_set_new(o, "warmup", json_boolean(r->req->warmup));
	json_object_set_new(o, "pus", json_string(r->pus));
	json_object_set_new(o, "mem", r->res->mem ? json_string(r->res->mem) : json_null());
	json_object_set_new(o, "ok", json_boolean(r->ok));
	if (r->error && *r->error)
		json_object_set_new(o, "error", json_string(r->error));
	json_object_set_new(o, "exit_status", proc->exit_code >= 0 ?
			    json_integer(proc->exit_code) : json_null());
	if (proc->term_signal)
		json_object_set_new(o, "signal", json_integer(proc->term_signal));
	if (proc->timed_out)
		json_object_set_new(o, "timed_out", json_true());
	if (r->loadavg >= 0)
		json_object_set_new(o, "loadavg_before", json_real(r->loadavg));
	if (r->have_cpu_sample) {
		/* what the pinned PUs did for others while this run had them */
		double others = r->pus_busy_s - proc->cpu_s;
		json_object_set_new(o, "others_cpu_s", json_real(others > 0 ? others : 0));
		json_object_set_new(o, "steal_s", json_real(r->pus_steal_s));
		/* the counters tick every 10 ms: the report needs both to know
		 * whether a run was long enough for them to tell anything */
		json_object_set_new(o, "cpu_sample_s", json_real(r->cpu_sample_s));
		json_object_set_new(o, "cpu_tick_s", json_real(r->cpu_tick_s));
	}
	json_object_set_new(o, "wall_s", json_real(proc->wall_s));
	json_object_set_new(o, "cpu_s", json_real(proc->cpu_s));
	json_object_set_new(o, "max_rss_kib", json_integer(proc->max_rss_kib));

	json_t *metrics = json_object();
	if (r->line) {
		json_object_set_new(o, "score", json_real(r->line->score));
		json_object_set_new(o, "score_unit", json_string(r->line->score_unit));
		for (int i = 0; i < r->line->nmetrics; i++)
			if (strcmp(r->line->metrics[i].key, "ok")) /* ok is a bool above */
				json_object_set_new(metrics, r->line->metrics[i].key,
						    json_real(r->line->metrics[i].value));
	}
	json_object_set_new(o, "metrics", metrics);

	if (r->res->monitor) {
		json_t *exits = json_object_get(r->res->monitor, "exits");
		json_object_set(o, "exits", exits ? exits : json_object());
		json_object_set(o, "monitor", r->res->monitor);
	}
	if (!r->ok && proc->err && *proc->err)
		json_object_set_new(o, "stderr_tail", stderr_lines(proc->err, 8));
	if (!r->ok && proc->out && *proc->out) {
		json_t *out = stdout_lines(proc->out, 4);
		if (json_array_size(out))
			json_object_set_new(o, "stdout_tail", out);
		else
			json_decref(out);
	}
	return o;
}

json_t *results_unavailable(const struct suite *s, const struct cell *c,
			    const char *env, const char *why)
{
	json_t *o = base_record(s, c, env);

	json_object_set_new(o, "rep", json_integer(0));
	json_object_set_new(o, "warmup", json_false());
	json_object_set_new(o, "ok", json_false());
	json_object_set_new(o, "unavailable", json_true());
	json_object_set_new(o, "error", json_sprintf("environment unavailable: %s", why));
	json_object_set_new(o, "metrics", json_object());
	return o;
}

int results_append(FILE *f, json_t *record)
{
	if (json_dumpf(record, f, JSON_COMPACT | JSON_REAL_PRECISION(10)) < 0 ||
	    fputc('\n', f) == EOF || fflush(f) == EOF)
		return -1;
	fsync(fileno(f)); /* a crash or power loss keeps the runs so far */
	return 0;
}
