/* Where vmbench finds its programs and data, all relative to its own binary. */
#ifndef VMBENCH_PATHS_H
#define VMBENCH_PATHS_H

#include <stddef.h>

/* build/bin, or $VMBENCH_BIN_DIR: where `workload` and `lwvmm` live. */
const char *paths_tool_dir(void);
/* The source tree: build/bin/../.. of the vmbench binary. */
const char *paths_source_dir(void);

/*
 * A data file or folder, "suites" or "references.json" (malloc'd): from an
 * installed tree (`make install`: PREFIX/bin/../share/vmbench/NAME) when
 * that exists beside the binary, else from the source tree (bench/suites,
 * reports/references.json).
 */
char *paths_data(const char *name);

/* a + "/" + b, malloc'ed. */
char *paths_join(const char *a, const char *b);

/* A suite by name (bench/suites/NAME.json) or by path; NULL with err. */
char *paths_find_suite(const char *name, char *err, size_t errlen);

/* mkdir -p; 0 or -1 with errno. */
int paths_mkdirs(const char *dir);

#endif
