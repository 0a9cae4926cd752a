/*
 * Where the fuzz targets put their temporary files: $TMPDIR (fuzz.t and
 * fuzz-all set it to a directory they remove, so that even a target that
 * dies on a crash leaves nothing behind), else /tmp.
 */
#ifndef FUZZ_TMP_H
#define FUZZ_TMP_H

#include <stdio.h>
#include <stdlib.h>

/* "DIR/lwvmm-fuzz-WHAT-XXXXXX" into buf, ready for mkstemp or mkdtemp. */
static inline void fuzz_tmp_template(char *buf, size_t len, const char *what)
{
	const char *dir = getenv("TMPDIR");

	snprintf(buf, len, "%s/lwvmm-fuzz-%s-XXXXXX", dir && *dir ? dir : "/tmp", what);
}

#endif
