/*
 * Checkpoint/restore (checkpoint.c) needs a working CRIU. `criu check`
 * decides; when it fails (Debian 12's CRIU 3.17 on kernels >= 6.13, which
 * add a [vvar_vclock] mapping; fixed in CRIU 4.1) the reason is reported
 * and no figure is made up.
 */
#include <stdio.h>
#include <string.h>

#include "ctrun.h"
#include "ctrun_opts.h"

void criu_first_error(const char *text, char *out, size_t outlen)
{
	/* the most telling line: the first error that is not a helper's exit status */
	const char *line = strstr(text, "Error"), *helper;

	while (line && (helper = strstr(line, "exited, status")) &&
	       helper < line + strcspn(line, "\n"))
		line = strstr(line + 1, "Error");
	if (!line)
		line = text;
	snprintf(out, outlen, "%.*s", (int)strcspn(line, "\n"), line);
}

int criu_available(char *why, size_t whylen)
{
	char *argv[] = { "criu", "check", NULL };
	char out[4096];
	int rc = proc_run(argv, out, sizeof(out));

	if (rc == 127 || strstr(out, "cannot run criu")) {
		snprintf(why, whylen, "criu is not installed (Debian 12's criu 3.17 fails "
			 "`criu check` on kernels >= 6.13 anyway; CRIU >= 4.1 is needed)");
		return 0;
	}
	if (rc != 0) {
		char line[400];
		criu_first_error(out, line, sizeof(line));
		snprintf(why, whylen, "criu check failed (exit %d): %s", rc, line);
		return 0;
	}
	return 1;
}
