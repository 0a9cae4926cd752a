/* Small parsers shared by the topology and placement specs. */
#include <string.h>

#include "spec.h"

int spec_uint(const char *s, int len, int max, int *out)
{
	long v = 0;

	if (len <= 0 || len > 9)
		return -1;
	for (int i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int spec_range(const char *s, int len, int max, int *lo, int *hi)
{
	const char *dash = memchr(s, '-', len);

	if (!dash) {
		if (spec_uint(s, len, max, lo))
			return -1;
		*hi = *lo;
		return 0;
	}
	if (spec_uint(s, dash - s, max, lo) ||
	    spec_uint(dash + 1, len - (dash + 1 - s), max, hi))
		return -1;
	return *lo <= *hi ? 0 : -1;
}

int spec_token_len(const char *s)
{
	const char *comma = strchr(s, ',');

	return comma ? (int)(comma - s) : (int)strlen(s);
}
