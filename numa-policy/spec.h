/* Small parsers shared by the topology and placement specs. */
#ifndef NUMA_SPEC_H
#define NUMA_SPEC_H

/* A decimal number in [0, max], the whole of s[0..len). 0 or -1. */
int spec_uint(const char *s, int len, int max, int *out);

/* "N" or "N-M" with N <= M <= max, the whole of s[0..len). 0 or -1. */
int spec_range(const char *s, int len, int max, int *lo, int *hi);

/* Length of the next comma-separated token of s. */
int spec_token_len(const char *s);

#endif
