/*
 * Collects the environment record. Every probe is allowed to fail: a fact
 * we cannot read is recorded as null, never guessed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "envrecord.h"
#include "paths.h"
#include "spawn.h"
#include "topo.h"

/* The value of the first "key<spaces>: value" line of a /proc file. */
static json_t *proc_field(const char *file, const char *key)
{
	FILE *f = fopen(file, "r");
	char line[1024];
	json_t *value = NULL;

	if (!f)
		return json_null();
	while (!value && fgets(line, sizeof(line), f)) {
		size_t klen = strlen(key);
		char *colon = strchr(line, ':');
		if (strncmp(line, key, klen) || !colon)
			continue;
		if (strspn(line + klen, " \t") != (size_t)(colon - line - (long)klen))
			continue;
		char *v = colon + 1 + strspn(colon + 1, " \t");
		v[strcspn(v, "\n")] = '\0';
		value = json_string(v);
	}
	fclose(f);
	return value ? value : json_null();
}

static int cpu_flag(const char *flag)
{
	json_t *flags = proc_field("/proc/cpuinfo", "flags");
	const char *s = json_string_value(flags);
	int found = 0;
	size_t len = strlen(flag);

	for (const char *p = s; p && (p = strstr(p, flag)); p += len)
		if ((p == s || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
			found = 1;
	json_decref(flags);
	return found;
}

const char *envrecord_flavour(void)
{
	/* PVM first: a PVM host is itself a guest and may show neither flag */
	if (access("/sys/module/kvm_pvm", F_OK) == 0)
		return "PVM";
	if (cpu_flag("vmx"))
		return "VMX";
	if (cpu_flag("svm"))
		return "SVM";
	return "none";
}

/* The first line a command prints (stdout, else stderr), or null. */
static json_t *command_line(char *const argv[])
{
	struct spawn_req req = { .argv = argv, .timeout_s = 10 };
	struct spawn_out out;
	json_t *v = json_null();

	if (spawn_run(&req, &out) == 0 && out.exit_code == 0) {
		const char *text = *out.out ? out.out : out.err;
		size_t len = strcspn(text, "\n");
		if (len)
			v = json_stringn(text, len);
	}
	spawn_out_free(&out);
	return v ? v : json_null();
}

static json_t *tool_version(const char *tool, const char *flag)
{
	static const char *const dirs[] = { "/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", NULL };

	for (int i = 0; dirs[i]; i++) {
		char *path = paths_join(dirs[i], tool);
		if (access(path, X_OK) == 0) {
			char *argv[] = { path, (char *)flag, NULL };
			json_t *v = command_line(argv);
			free(path);
			return v;
		}
		free(path);
	}
	return json_null();
}

/* `lwvmm info` as an object of its "key: value" lines, or null. */
static json_t *lwvmm_info(const struct run_ctx *ctx)
{
	char *bin = paths_join(ctx->tool_dir, "lwvmm");
	char *argv[] = { bin, "info", NULL };
	struct spawn_req req = { .argv = argv, .timeout_s = 20 };
	struct spawn_out out;
	json_t *info = json_null();

	if (access(bin, X_OK) == 0 && spawn_run(&req, &out) == 0) {
		if (out.exit_code == 0) {
			info = json_object();
			for (char *line = strtok(out.out, "\n"); line; line = strtok(NULL, "\n")) {
				char *colon = strstr(line, ": ");
				if (!colon)
					continue;
				*colon = '\0';
				json_object_set_new(info, line, json_string(colon + 2));
			}
		}
		spawn_out_free(&out);
	}
	free(bin);
	return info;
}

static json_t *git_revision(void)
{
	char *argv[] = { "/usr/bin/git", "-C", (char *)paths_source_dir(),
			 "describe", "--always", "--dirty", "--abbrev=12", NULL };

	return command_line(argv);
}

static json_t *topology(void)
{
	json_t *t = json_object();

	json_object_set_new(t, "packages", json_integer(topo_count(HWLOC_OBJ_PACKAGE)));
	json_object_set_new(t, "cores", json_integer(topo_count(HWLOC_OBJ_CORE)));
	json_object_set_new(t, "pus", json_integer(topo_count(HWLOC_OBJ_PU)));
	json_object_set_new(t, "numa_nodes", json_integer(topo_count(HWLOC_OBJ_NUMANODE)));
	int level;
	uint64_t llc = topo_llc_bytes(&level);
	if (llc) {   /* the report checks STREAM's array size against it */
		json_object_set_new(t, "llc_level", json_integer(level));
		json_object_set_new(t, "llc_mib", json_real((double)llc / (1 << 20)));
	}
	return t;
}

static json_t *date_now(void)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S%z", &tm);
	return json_string(buf);
}

json_t *envrecord_collect(const struct run_ctx *ctx)
{
	json_t *rec = json_object(), *tools = json_object(), *kernel = json_object();
	struct utsname u;
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(rec, "date", date_now());
	json_object_set_new(rec, "hostname", json_string(host));
	json_object_set_new(rec, "cpu_model", proc_field("/proc/cpuinfo", "model name"));
	json_object_set_new(rec, "topology", topology());
	json_object_set_new(rec, "mem_total", proc_field("/proc/meminfo", "MemTotal"));
	if (uname(&u) == 0) {
		json_object_set_new(kernel, "sysname", json_string(u.sysname));
		json_object_set_new(kernel, "release", json_string(u.release));
		json_object_set_new(kernel, "version", json_string(u.version));
		json_object_set_new(kernel, "machine", json_string(u.machine));
	}
	json_object_set_new(rec, "kernel", kernel);
	json_object_set_new(rec, "virtualization", json_string(envrecord_flavour()));
	json_object_set_new(rec, "lwvmm_info", lwvmm_info(ctx));
	json_object_set_new(tools, "gcc", tool_version("gcc", "--version"));
	json_object_set_new(tools, "fio", tool_version("fio", "--version"));
	json_object_set_new(tools, "iperf3", tool_version("iperf3", "--version"));
	json_object_set_new(tools, "runc", tool_version("runc", "--version"));
	json_object_set_new(tools, "gnuplot", tool_version("gnuplot", "--version"));
	json_object_set_new(tools, "jansson", json_string(JANSSON_VERSION));
	json_object_set_new(tools, "hwloc_api", json_sprintf("0x%x", hwloc_get_api_version()));
	json_object_set_new(rec, "tools", tools);
	json_object_set_new(rec, "git_revision", git_revision());
	json_object_set_new(rec, "source_dir", json_string(paths_source_dir()));
	json_object_set_new(rec, "tool_dir", json_string(ctx->tool_dir));
	return rec;
}
