/* Helpers every workload shares, in both builds: strings, numbers, the result line. */
#include "wl.h"

int wl_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

long wl_atol(const char *s)
{
	long v = 0;
	int digits = 0;

	if (!s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (1L << 50))
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (!digits)
		return -1;
	switch (*s) {
	case 'K': case 'k': v <<= 10; s++; break;
	case 'M': case 'm': v <<= 20; s++; break;
	case 'G': case 'g': v <<= 30; s++; break;
	default: break;
	}
	return *s ? -1 : v;
}

const struct workload *wl_find(const char *name)
{
	for (int i = 0; i < wl_nworkloads; i++) {
		if (wl_workloads[i] && wl_strcmp(wl_workloads[i]->name, name) == 0)
			return wl_workloads[i];
	}
	return 0;
}

static void append(struct wl_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r->len < sizeof(r->line))
		r->len += (size_t)wl_vsnprintf(r->line + r->len, sizeof(r->line) - r->len, fmt, ap);
	va_end(ap);
}

uint64_t wl_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void wl_result_begin(struct wl_result *r, const char *workload, int ok)
{
	r->len = 0;
	append(r, "result workload=%s ok=%d", workload, ok ? 1 : 0);
}

void wl_result_num(struct wl_result *r, const char *key, double value)
{
	/* Integers print exactly; others with enough digits for their size. */
	if (value == (double)(long long)value && value < 1e15 && value > -1e15)
		append(r, " %s=%lld", key, (long long)value);
	else if (value < 1.0 && value > -1.0)
		append(r, " %s=%.9f", key, value);
	else
		append(r, " %s=%.4f", key, value);
}

void wl_result_str(struct wl_result *r, const char *key, const char *value)
{
	append(r, " %s=%s", key, value);
}

void wl_result_end(struct wl_result *r)
{
	wl_printf("%s\n", r->line);
}

/*
 * Parses the options every workload shares: "--name value" pairs. Returns
 * the value for `name`, `def` when absent, or -1 when the value is not a number.
 */
long wl_option(int argc, char **argv, const char *name, long def)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		if (wl_strcmp(argv[i], name) == 0)
			return wl_atol(argv[i + 1]);
	}
	return def;
}

int wl_check_range(const char *workload, const char *name, long value, long lo, long hi)
{
	if (value >= lo && value <= hi)
		return 0;
	if (lo == hi)
		wl_eprintf("%s: %s must be %ld, not %ld\n", workload, name, lo, value);
	else
		wl_eprintf("%s: %s must be %ld..%ld, not %ld\n", workload, name, lo, hi, value);
	return -1;
}

/* 0 when every argument is a known "--name value" pair, else prints why and returns -1. */
int wl_check_options(int argc, char **argv, const char *const *known, const char *usage)
{
	for (int i = 1; i < argc; i += 2) {
		int found = 0;
		for (int k = 0; known[k]; k++)
			found |= wl_strcmp(argv[i], known[k]) == 0;
		if (!found || i + 1 >= argc || wl_atol(argv[i + 1]) < 0) {
			if (!found || i + 1 >= argc)
				wl_eprintf("%s: bad argument '%s'\n", argv[0], argv[i]);
			else
				wl_eprintf("%s: bad value '%s' for %s\n", argv[0], argv[i + 1], argv[i]);
			wl_eprintf("usage: %s %s\n", argv[0], usage);
			return -1;
		}
	}
	return 0;
}
