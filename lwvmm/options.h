/* Parsing of command-line values; pure functions, unit-tested; ctrun and vmbench link them too. */
#ifndef LWVMM_OPTIONS_H
#define LWVMM_OPTIONS_H

#include <stdint.h>

/* A decimal integer in [min, max]. Returns 0, or -1 on anything else. */
int parse_long(const char *s, long min, long max, long *out);

/*
 * A size: digits with an optional K, M, G or T suffix (powers of 1024, also
 * written KiB or KB), e.g. 512M. The one size parser of lwvmm, ctrun and
 * vmbench. Returns 0; -1 when malformed or zero; -2 when it does not fit in
 * 64 bits.
 */
int parse_size(const char *s, uint64_t *out);

/* A positive number of seconds, fractions allowed. */
int parse_seconds(const char *s, double *out);

/* The host's MemAvailable in bytes, or 0 when unknown. */
uint64_t host_mem_available(void);

#endif
