/* A run's verdict (run_judge.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "run_judge.h"
#include "spawn.h"

double loadavg_1m(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double load = -1;

	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	return load;
}

/* Decide ok and the reason from what the runner saw. */
int judge(const struct cell *c, const struct run_result *res,
	  struct result_line *line, int *parsed, char *error, size_t errlen,
	  int timeout_s)
{
	const struct spawn_out *p = &res->proc;
	char perr[256] = "";

	*parsed = p->started && result_line_find(p->out, line, perr, sizeof(perr)) == 0;
	if (!p->started)
		snprintf(error, errlen, "%s", p->error);
	else if (p->interrupted)
		snprintf(error, errlen, "interrupted (vmbench got signal %d)", spawn_interrupted());
	else if (p->timed_out)
		snprintf(error, errlen, "timed out after %d s, killed", timeout_s);
	else if (res->error[0])
		snprintf(error, errlen, "%s", res->error);
	else if (p->term_signal)
		snprintf(error, errlen, "killed by signal %d (%s)", p->term_signal,
			 strsignal(p->term_signal));
	else if (p->exit_code == 1)
		snprintf(error, errlen, "the workload's check failed (exit 1)");
	else if (p->exit_code == 64)
		snprintf(error, errlen, "the workload rejected its arguments (exit 64)");
	else if (p->exit_code == 2)
		snprintf(error, errlen, "the workload cannot run here (exit 2)");
	else if (p->exit_code != 0)
		snprintf(error, errlen, "exit status %d", p->exit_code);
	else if (!*parsed)
		snprintf(error, errlen, "bad output: %s", perr);
	else if (strcmp(line->workload, c->workload))
		snprintf(error, errlen, "result line is for workload '%s'", line->workload);
	else if (!line->ok)
		snprintf(error, errlen, "the workload's check failed (ok=0)");
	else
		return 1;
	return 0;
}
