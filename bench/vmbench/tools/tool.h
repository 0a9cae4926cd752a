/*
 * vmbench-tool: runs a standard tool (fio, iperf3, stress-ng) with fixed,
 * documented options, parses its machine-readable output with a library
 * (jansson for fio and iperf3 JSON, libyaml for stress-ng YAML) and prints
 * the workloads' result line, so vmbench treats it like build/bin/workload
 * in every environment.
 */
#ifndef VMBENCH_TOOL_H
#define VMBENCH_TOOL_H

#include <stddef.h>

#define TOOL_MAX_METRICS 16

struct tool_metric {
	char key[48];              /* [a-z0-9_] */
	double value;
};

struct tool_result {
	int ok;
	double score;              /* the headline, higher is better */
	char unit[32];
	int n;
	struct tool_metric m[TOOL_MAX_METRICS];
};

void tool_metric(struct tool_result *r, const char *key, double value);

/* Parsers: 0 with r filled, or -1 with the reason in err. */
int fio_parse(const char *json, struct tool_result *r, char *err, size_t errlen);
int iperf3_parse(const char *json, struct tool_result *r, char *err, size_t errlen);
int stressng_parse(const char *yaml, const char *stressor, struct tool_result *r,
		   char *err, size_t errlen);

/* Runners of the tools (tool_run.c): the tool's exit status or -1 (also
 * when a stop signal came first). */
int tool_exec(char *const *argv, const char *stdout_file, int quiet);
/* Hold SIGINT, SIGTERM, SIGHUP and SIGCHLD blocked from now on (tools run
 * with the mask from before). */
void tool_hold_signals(void);
/* In a forked child before exec: the signals a tool expects, unblocked. */
void tool_child_signals(void);
/* The stop signal taken (while a tool ran, or pending now), or 0. */
int tool_stop_signal(void);
char *tool_slurp(const char *path); /* the whole file, malloc'ed, or NULL */

#endif
