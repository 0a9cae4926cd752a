/*
 * Checkpoint/restore, the container counterpart of a VM snapshot, needs a
 * working CRIU. `criu check` decides; when it fails (Debian 12's CRIU 3.17
 * on kernels >= 6.13, which add a [vvar_vclock] mapping; fixed in CRIU 4.1)
 * the reason is reported and no figure is made up.
 */
#include <stdio.h>
#include <string.h>

#include "ctrun.h"
#include "ctrun_opts.h"

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
		/* the most telling line: the first error that is not a helper's exit status */
		char *line = strstr(out, "Error");
		while (line && strstr(line, "exited, status") &&
		       strstr(line, "exited, status") < line + strcspn(line, "\n"))
			line = strstr(line + 1, "Error");
		if (!line)
			line = out;
		snprintf(why, whylen, "criu check failed (exit %d): %.*s", rc,
			 (int)strcspn(line, "\n"), line);
		return 0;
	}
	return 1;
}

int ctrun_checkpoint(const struct ct_opts *o, const char *tool_dir)
{
	char why[512];

	(void)o;
	(void)tool_dir;
	if (!criu_available(why, sizeof(why))) {
		fprintf(stderr, "ctrun: checkpoint/restore unavailable: %s\n", why);
		return CT_EXIT_UNAVAILABLE;
	}
	fprintf(stderr, "ctrun: criu works on this host, but the checkpoint/restore "
		"measurement is not implemented yet\n");
	return CT_EXIT_FAILED;
}
