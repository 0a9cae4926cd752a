/*
 * Parser for the workloads' result line. It is strict on purpose: a line
 * that does not parse cleanly is a failed run, never a guessed number.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result_line.h"

static const char prefix[] = "result ";

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_string_key(const char *key)
{
	return strcmp(key, "workload") == 0 || strcmp(key, "score_unit") == 0;
}

const double *result_line_get(const struct result_line *r, const char *key)
{
	for (int i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metrics[i].key, key) == 0)
			return &r->metrics[i].value;
	return NULL;
}

static int parse_number(const char *text, double *value)
{
	char *end;

	errno = 0;
	*value = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || !isfinite(*value))
		return -1;
	return 0;
}

/* Handle one "key=value" token; seen_* record the string keys. */
static int parse_pair(char *token, struct result_line *out, int *seen_workload,
		      int *seen_unit, char *err, size_t errlen)
{
	char *eq = strchr(token, '=');
	char *key = token, *value;
	size_t keylen;

	if (!eq)
		return fail(err, errlen, "token '%.40s' is not key=value", token);
	*eq = '\0';
	value = eq + 1;
	keylen = strlen(key);
	if (keylen == 0 || keylen >= RESULT_KEY_MAX)
		return fail(err, errlen, "bad key length in '%.40s'", key);
	for (size_t i = 0; i < keylen; i++)
		if (!is_key_char(key[i]))
			return fail(err, errlen, "bad character in key '%.40s'", key);
	if (*value == '\0')
		return fail(err, errlen, "key '%s' has an empty value", key);

	if (is_string_key(key)) {
		int *seen = strcmp(key, "workload") == 0 ? seen_workload : seen_unit;
		char *dest = seen == seen_workload ? out->workload : out->score_unit;

		if (*seen)
			return fail(err, errlen, "duplicate key '%s'", key);
		if (strlen(value) >= RESULT_WORD_MAX)
			return fail(err, errlen, "value of '%s' too long", key);
		strcpy(dest, value);
		*seen = 1;
		return 0;
	}

	if (result_line_get(out, key))
		return fail(err, errlen, "duplicate key '%s'", key);
	if (out->nmetrics == RESULT_MAX_METRICS)
		return fail(err, errlen, "more than %d metrics", RESULT_MAX_METRICS);

	struct result_metric *m = &out->metrics[out->nmetrics];
	if (parse_number(value, &m->value) < 0)
		return fail(err, errlen, "value of '%s' is not a number: '%.40s'",
			    key, value);
	strcpy(m->key, key);
	out->nmetrics++;
	return 0;
}

int result_line_parse(const char *line, struct result_line *out,
		      char *err, size_t errlen)
{
	char buf[RESULT_LINE_MAX + 1];
	size_t len = strcspn(line, "\n");
	int seen_workload = 0, seen_unit = 0;
	const double *ok, *score;

	memset(out, 0, sizeof(*out));
	if (len > RESULT_LINE_MAX)
		return fail(err, errlen, "result line longer than %d bytes",
			    RESULT_LINE_MAX);
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r') /* serial consoles add CRs */
		buf[--len] = '\0';
	if (strncmp(buf, prefix, strlen(prefix)) != 0)
		return fail(err, errlen, "line does not start with 'result '");

	char *save = NULL;
	for (char *tok = strtok_r(buf + strlen(prefix), " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save))
		if (parse_pair(tok, out, &seen_workload, &seen_unit,
			       err, errlen) < 0)
			return -1;

	if (!seen_workload)
		return fail(err, errlen, "result line has no workload");
	if (!seen_unit)
		return fail(err, errlen, "result line has no score_unit");
	score = result_line_get(out, "score");
	if (!score)
		return fail(err, errlen, "result line has no score");
	out->score = *score;
	ok = result_line_get(out, "ok");
	if (!ok)
		return fail(err, errlen, "result line has no ok");
	if (*ok != 0 && *ok != 1)
		return fail(err, errlen, "ok must be 0 or 1");
	out->ok = *ok == 1;
	return 0;
}

static int domains_find(const char *output, struct result_line *out, char *err, size_t errlen);

int result_line_find(const char *output, struct result_line *out,
		     char *err, size_t errlen)
{
	const char *last = NULL;

	for (const char *p = output; p && *p; ) {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			last = p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!last)
		return domains_find(output, out, err, errlen);
	return result_line_parse(last, out, err, errlen);
}

/* "NAME: result ...": the line of one domain of lwvmm --domains; its result part, or NULL. */
static const char *domain_line(const char *p)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	if (n == 0 || strncmp(p + n, ": ", 2) != 0 || strncmp(p + n + 2, prefix, strlen(prefix)) != 0)
		return NULL;
	return p + n + 2;
}

/*
 * lwvmm --domains N: every domain's line "NAME: result ...". The result is
 * the first domain's line with the score summed over all (the domains' work
 * together), ok only when every domain's is, and "domains" the count; a
 * domain whose checksum differs from the first's makes it ok=0.
 */
static int domains_find(const char *output, struct result_line *out, char *err, size_t errlen)
{
	struct result_line one;
	int n = 0;

	for (const char *p = output; p && *p; ) {
		const char *r = domain_line(p);
		if (r) {
			if (result_line_parse(r, n ? &one : out, err, errlen) < 0)
				return -1;
			if (n) {
				const double *a = result_line_get(out, "checksum"), *b = result_line_get(&one, "checksum");
				out->score += one.score;
				out->ok = out->ok && one.ok && (!a) == (!b) && (!a || *a == *b);
			}
			n++;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (n == 0)
		return fail(err, errlen, "no result line in the output");
	for (int i = 0; i < out->nmetrics; i++) {   /* the metrics' copies of ok and score */
		if (!strcmp(out->metrics[i].key, "score"))
			out->metrics[i].value = out->score;
		else if (!strcmp(out->metrics[i].key, "ok"))
			out->metrics[i].value = out->ok;
	}
	if (out->nmetrics < RESULT_MAX_METRICS) {
		snprintf(out->metrics[out->nmetrics].key, RESULT_KEY_MAX, "domains");
		out->metrics[out->nmetrics++].value = n;
	}
	return 0;
}
