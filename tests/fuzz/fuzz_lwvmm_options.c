/*
 * libFuzzer target: lwvmm's option values (lwvmm/options.c), each parser on
 * the same string. An accepted value must be what the text says: in range,
 * and for a size, the digits times the suffix without overflow.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	long l;
	uint64_t bytes;
	double seconds;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (parse_long(s, 1, 64, &l) == 0 && (l < 1 || l > 64))
		abort();
	if (parse_long(s, LONG_MIN, LONG_MAX, &l) == 0 && l != strtol(s, NULL, 10))
		abort();
	if (parse_size(s, &bytes) == 0) {
		unsigned long long digits = strtoull(s, NULL, 10);
		/* the suffix's multiple of the digits, exactly */
		if (bytes == 0 || bytes % digits != 0)
			abort();
		uint64_t unit = bytes / digits;
		if (unit != 1 && unit != 1ull << 10 && unit != 1ull << 20 && unit != 1ull << 30 &&
		    unit != 1ull << 40)
			abort();
	}
	if (parse_seconds(s, &seconds) == 0 && !(seconds > 0 && seconds <= 1e9))
		abort();
	free(s);
	return 0;
}
