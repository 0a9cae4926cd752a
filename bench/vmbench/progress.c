/* vmbench run's progress lines (progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "runner.h"
#include "spawn.h"

static const char *clock_text(char *buf, size_t len, unsigned s)
{
	if (s >= 3600)
		snprintf(buf, len, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%u:%02u", s / 60, s % 60);
	return buf;
}

void progress_init(struct progress *p, int total)
{
	const char *tick = getenv("VMBENCH_PROGRESS_S");

	memset(p, 0, sizeof(*p));
	p->total = total;
	p->start_ns = spawn_now_ns();
	p->tick_s = tick && *tick ? atoi(tick) : 10;
	for (int i = 0; runners[i]; i++)
		if ((int)strlen(runners[i]->name) > p->name_width)
			p->name_width = (int)strlen(runners[i]->name);
}

const char *progress_elapsed(const struct progress *p, char *buf, size_t len)
{
	return clock_text(buf, len, (unsigned)((spawn_now_ns() - p->start_ns) / 1000000000ULL));
}

const char *progress_score(char *buf, size_t len, double score)
{
	if (score >= 1000 || score <= -1000)
		snprintf(buf, len, "%.0f", score);
	else
		snprintf(buf, len, "%#.4g", score);   /* 101.0 beside 99.68, not 101 */
	return buf;
}

static void on_tick(void *arg, double running_s)
{
	char t[32];

	(void)arg;
	fprintf(stderr, " ..%s", clock_text(t, sizeof(t), (unsigned)running_s));
}

void progress_run_begins(struct progress *p, int done, const char *env, const char *cell,
			 const char *what, int rep, int of)
{
	fprintf(stderr, "[%*d/%d] %-*s %s %s %d/%d ", p->total >= 100 ? 3 : 2, done, p->total,
		p->name_width, env, cell, what, rep, of);
	spawn_set_tick(on_tick, p, p->tick_s);
}

void progress_run_ends(struct progress *p, int done, const char *result)
{
	uint64_t spent = spawn_now_ns() - p->start_ns;
	char e[32], left[32];

	spawn_set_tick(NULL, NULL, 0);
	fprintf(stderr, " %s  [%s", result, progress_elapsed(p, e, sizeof(e)));
	if (done > 0 && done < p->total)
		fprintf(stderr, ", about %s left", clock_text(left, sizeof(left),
			(unsigned)((double)spent / done * (p->total - done) / 1e9 + 0.5)));
	fprintf(stderr, "]\n");
}

void progress_not_run(const struct progress *p, const char *env, const char *cell, const char *why)
{
	fprintf(stderr, "[%*s/%d] %-*s %s not run: %s\n", p->total >= 100 ? 3 : 2, "--", p->total,
		p->name_width, env, cell, why);
}
