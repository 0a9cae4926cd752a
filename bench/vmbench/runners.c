/* The table of environments (to add one, add its runner here) and the runners' shared helpers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "topo.h"

extern const struct runner runner_native;
extern const struct runner runner_vm;
extern const struct runner runner_vm_linux;
extern const struct runner runner_container;
extern const struct runner runner_container_cr;

const struct runner *const runners[] = {
	&runner_native,
	&runner_vm,
	&runner_vm_linux,
	&runner_container,
	&runner_container_cr,
	NULL,
};

const struct runner *runner_find(const char *name)
{
	for (int i = 0; runners[i]; i++)
		if (!strcmp(runners[i]->name, name))
			return runners[i];
	return NULL;
}

int runner_executable(const char *path, char *why, size_t whylen)
{
	if (access(path, X_OK) == 0)
		return 1;
	snprintf(why, whylen, "%s: %s", path, strerror(errno));
	return 0;
}

void runner_lwvmm_disk(const struct cell *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", c->disk_path, c->disk_opts ? "," : c->disk_direct ? ",direct" : "",
		 c->disk_opts ? c->disk_opts : "");
}

#define BACKSTOP_TIMEOUT_S 10   /* the tool enforces the timeout; this is the backstop */

static json_t *read_stats(const char *path, const char *name, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *stats = json_load_file(path, 0, &jerr);

	if (!stats)
		snprintf(err, errlen, "no %s statistics: %s", name, jerr.text);
	else if (!json_is_object(stats)) {
		snprintf(err, errlen, "%s statistics are not a JSON object", name);
		json_decref(stats);
		stats = NULL;
	}
	return stats;
}

void runner_spawn_tool(const struct run_ctx *ctx, const struct run_request *req,
		       char **argv, const char *stats_path, const char *spawn_ns_var,
		       const char *(*status_text)(int exit_code), const char *name,
		       struct run_result *res)
{
	struct spawn_req spawn = {
		.argv = argv,
		.spawn_ns_var = spawn_ns_var,
		.topo = topo_get(),
		.cpuset = req->pus,
		.timeout_s = ctx->timeout_s + BACKSTOP_TIMEOUT_S,
	};
	char stats_err[256] = "";

	unlink(stats_path);
	spawn_run(&spawn, &res->proc);
	res->mem = req->cell->mem;
	if (res->proc.started) {
		const char *status = status_text(res->proc.exit_code);
		res->monitor = read_stats(stats_path, name, stats_err, sizeof(stats_err));
		if (status)
			snprintf(res->error, sizeof(res->error), "%s", status);
		else if (!res->monitor && res->proc.exit_code == 0)
			snprintf(res->error, sizeof(res->error), "%s", stats_err);
	}
	unlink(stats_path);
}
