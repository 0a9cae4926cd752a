/*
 * A run's directory: results/<stamp>-<suite> (or --out), the JSON files
 * written into it, and the sweep of what runs whose vmbench was SIGKILLed
 * left in such directories.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "disk_image.h"
#include "paths.h"
#include "run.h"
#include "run_dir.h"

/* results/<YYYYMMDD-HHMMSS>-<suite>, made unique with -2, -3... */
char *run_dir_make(const char *out, const char *suite_name)
{
	char stamp[32], *dir;
	time_t now = time(NULL);
	struct tm tm;

	if (out) {
		if (paths_mkdirs(out) < 0) {
			fprintf(stderr, "vmbench: cannot create output directory %s: %s\n",
				out, strerror(errno));
			return NULL;
		}
		return strdup(out);
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (paths_mkdirs("results") < 0) {
		fprintf(stderr, "vmbench: cannot create results/: %s\n", strerror(errno));
		return NULL;
	}
	for (int n = 1; n < 100; n++) {
		if (asprintf(&dir, n == 1 ? "results/%s-%s" : "results/%s-%s-%d",
			     stamp, suite_name, n) < 0)
			return NULL;
		if (mkdir(dir, 0777) == 0)
			return dir;
		int e = errno;
		free(dir);
		if (e != EEXIST) {
			fprintf(stderr, "vmbench: cannot create results/%s-%s: %s\n",
				stamp, suite_name, strerror(e));
			return NULL;
		}
	}
	fprintf(stderr, "vmbench: too many runs named results/%s-%s\n", stamp, suite_name);
	return NULL;
}

/*
 * Disk images of runs whose vmbench is gone (SIGKILLed): in results/, and
 * with --out DIR in DIR and beside it (disk_image_sweep_dir()).
 */
void sweep_dead_runs(const char *out)
{
	disk_image_sweep_children("results");
	if (out) {
		char *copy = strdup(out);

		disk_image_sweep_dir(out);
		if (copy)
			disk_image_sweep_children(dirname(copy));
		free(copy);
	}
}

int run_dir_write_json(const char *dir, const char *name, json_t *doc)
{
	char *path = paths_join(dir, name);
	int rc = json_dump_file(doc, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

	if (rc < 0)
		fprintf(stderr, "vmbench: cannot write %s\n", path);
	free(path);
	return rc;
}
