/*
 * Checkpoint/restore (checkpoint.c) needs a working CRIU. `criu check`
 * decides; when it fails (Debian 12's CRIU 3.17 on kernels >= 6.13, which
 * add a [vvar_vclock] mapping; fixed in CRIU 4.1) the reason is reported
 * and no figure is made up.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "ctrun.h"

/*
 * One line of CRIU's output or log, len bytes (not NUL-terminated): 1 when it
 * is a telling error, an "Error" line that is not a helper's exit status
 * ("... exited, status=1"), with the message from its "Error" on in out.
 */
int criu_error_line(const char *line, size_t len, char *out, size_t outlen)
{
	const char *error = memmem(line, len, "Error", 5);

	if (!error || memmem(line, len, "exited, status", 14))
		return 0;
	snprintf(out, outlen, "%.*s", (int)(line + len - error), error);
	return 1;
}

/* The first telling error line of CRIU's output, or else its first line. */
static void first_error(const char *text, char *out, size_t outlen)
{
	const char *line = text;

	while (*line) {
		size_t len = strcspn(line, "\n");

		if (criu_error_line(line, len, out, outlen))
			return;
		line += len + (line[len] == '\n');
	}
	snprintf(out, outlen, "%.*s", (int)strcspn(text, "\n"), text);
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
		first_error(out, line, sizeof(line));
		snprintf(why, whylen, "criu check failed (exit %d): %s", rc, line);
		return 0;
	}
	return 1;
}
