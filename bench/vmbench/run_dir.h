/* A run's directory (run_dir.c). */
#ifndef VMBENCH_RUN_DIR_H
#define VMBENCH_RUN_DIR_H

#include <jansson.h>

/* `out`, made if need be, or results/<YYYYMMDD-HHMMSS>-<suite> made unique with -2, -3...; NULL with a message. */
char *run_dir_make(const char *out, const char *suite_name);

/* dir/name as indented JSON; -1 with a message. */
int run_dir_write_json(const char *dir, const char *name, json_t *doc);

#endif
