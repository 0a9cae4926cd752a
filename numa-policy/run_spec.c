#include <stdio.h>
#include <string.h>

#include "run_spec.h"
#include "spec.h"

static const char *const mode_names[] = {
	[NUMA_RUN_TRACK] = "track", [NUMA_RUN_MIGRATE] = "migrate", [NUMA_RUN_REPLICATE] = "replicate",
};

const char *numa_run_mode_name(enum numa_run_mode m)
{
	return mode_names[m];
}

/* "key=" at the start of the token tok[0..len)? Then *val and *vlen the value. */
static int has_key(const char *tok, int len, const char *key, const char **val, int *vlen)
{
	int k = (int)strlen(key);

	if (len <= k || strncmp(tok, key, (size_t)k) != 0 || tok[k] != '=')
		return 0;
	*val = tok + k + 1;
	*vlen = len - k - 1;
	return 1;
}

/* One key=value; 0, or -1 with err set. */
static int parse_option(struct numa_run_spec *s, const char *tok, int len, char *err, size_t errlen)
{
	const char *v;
	int vl, n;

	if (has_key(tok, len, "period", &v, &vl)) {
		if (spec_uint(v, vl, 60000, &n) < 0 || n < 1) {
			snprintf(err, errlen, "period=%.*s: expected milliseconds from 1 to 60000", vl, v);
			return -1;
		}
		s->period_ms = (unsigned)n;
	} else if (has_key(tok, len, "sample", &v, &vl)) {
		if (vl == 3 && strncmp(v, "all", 3) == 0) {
			s->sample_pages = 0;
		} else if (spec_uint(v, vl, 1 << 26, &n) < 0 || n < 1) {
			snprintf(err, errlen, "sample=%.*s: expected a number of pages (1 to %d) or all", vl, v,
				 1 << 26);
			return -1;
		} else {
			s->sample_pages = (uint64_t)n;
		}
	} else if (has_key(tok, len, "budget", &v, &vl)) {
		if (vl == 3 && strncmp(v, "off", 3) == 0) {
			s->budget_pct = 0;
		} else if (spec_uint(v, vl, 100, &n) < 0 || n < 1) {
			snprintf(err, errlen, "budget=%.*s: expected a percentage from 1 to 100 or off", vl, v);
			return -1;
		} else {
			s->budget_pct = (unsigned)n;
		}
	} else if (has_key(tok, len, "hot", &v, &vl)) {
		if (spec_uint(v, vl, 1000000, &n) < 0 || n < 1) {
			snprintf(err, errlen, "hot=%.*s: expected samples from 1 to 1000000", vl, v);
			return -1;
		}
		s->policy.hot_threshold = (unsigned)n;
	} else if (has_key(tok, len, "dominance", &v, &vl)) {
		if (spec_uint(v, vl, 100, &n) < 0 || n < 51) {
			snprintf(err, errlen, "dominance=%.*s: expected a percentage from 51 to 100", vl, v);
			return -1;
		}
		s->policy.dominance_pct = (unsigned)n;
	} else if (has_key(tok, len, "max-moves", &v, &vl)) {
		if (spec_uint(v, vl, 1000000, &n) < 0) {
			snprintf(err, errlen, "max-moves=%.*s: expected a number of moves a page, 0 to 1000000", vl, v);
			return -1;
		}
		s->policy.max_moves = (unsigned)n;
	} else {
		snprintf(err, errlen, "'%.*s': expected period=MS, sample=PAGES|all, budget=PCT|off, hot=N, dominance=PCT or max-moves=N",
			 len, tok);
		return -1;
	}
	return 0;
}

int numa_run_spec_parse(struct numa_run_spec *s, const char *spec, char *err, size_t errlen)
{
	int len = spec_token_len(spec), m;

	memset(s, 0, sizeof(*s));
	s->period_ms = NUMA_RUN_DEFAULT_PERIOD_MS;
	s->sample_pages = NUMA_RUN_DEFAULT_SAMPLE;
	s->budget_pct = NUMA_RUN_DEFAULT_BUDGET_PCT;
	numa_policy_defaults(&s->policy);
	for (m = 0; m < 3; m++) {
		if ((int)strlen(mode_names[m]) == len && strncmp(spec, mode_names[m], (size_t)len) == 0)
			break;
	}
	if (m == 3) {
		snprintf(err, errlen, "'%.*s': expected track, migrate or replicate first", len, spec);
		return -1;
	}
	s->mode = (enum numa_run_mode)m;
	s->policy.migrate = s->mode != NUMA_RUN_TRACK;
	s->policy.replicate = s->mode == NUMA_RUN_REPLICATE;
	for (const char *p = spec + len; *p; p += len) {
		p++;   /* the comma */
		len = spec_token_len(p);
		if (len == 0) {
			snprintf(err, errlen, "an empty option (two commas, or one at the end)");
			return -1;
		}
		if (parse_option(s, p, len, err, errlen) < 0)
			return -1;
	}
	return numa_policy_check(&s->policy, err, errlen);
}
