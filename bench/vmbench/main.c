/* vmbench: runs benchmark suites (run.c) and writes reports (reports/). */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "disk_image.h"
#include "list.h"
#include "report.h"
#include "report_compare.h"
#include "run.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: vmbench run --suite NAME|FILE [--envs native,vm,...] [--workloads cpu,mem,...]\n"
		   "                   [--reps N] [--out DIR] [--timeout SECONDS] [--dry-run]\n"
		   "       vmbench report [--format md|csv|json] DIR\n"
		   "       vmbench gc [DIR...]\n"
		   "       vmbench list [suites|workloads|envs]\n"
		   "       vmbench compare [--html FILE] DIR_A DIR_B [DIR...]\n"
		   "       vmbench --help | --version   (also `vmbench run --help`, ...)\n"
		   "`run` prints the run directory (results/<run-id>) on stdout, progress on stderr;\n"
		   "`report` writes DIR/report.md and report.html, prints report.md's path on\n"
		   "stdout and report.html's on stderr; --format csv|json writes DIR/summary.csv\n"
		   "or DIR/summary.json instead (a row per cell and environment) and prints its path;\n"
		   "`compare` prints one Markdown table of the same cells across run directories,\n"
		   "each one's median and its ratio to A's with an interval (and HTML to FILE);\n"
		   "`list` names the suites (cells, runs, how long), the workloads (and where they\n"
		   "run) and the environments (available here, or why not);\n"
		   "`gc` removes what killed runs left (disk images in results/ and DIRs,\n"
		   "temporary files, and as root containers through `ctrun gc`).\n"
		   "exit status of `run`: 0 every measured run passed; 1 some measured runs\n"
		   "failed (the run directory holds them all); 69 nothing ran (no selected\n"
		   "environment has or can run a cell of the suite here); 64 usage (a bad\n"
		   "option, an unknown suite, environment or workload, a malformed suite);\n"
		   "70 vmbench itself failed (e.g. cannot write results); 128+N stopped by\n"
		   "signal N.\n");
}

int main(int argc, char **argv)
{
	if (argc >= 3 && (!strcmp(argv[1], "report") || !strcmp(argv[1], "gc") ||
			  !strcmp(argv[1], "list") || !strcmp(argv[1], "compare")) &&
	    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("vmbench %s\n", BUILD_VERSION);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "gc"))
		return cmd_gc(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "report")) {
		if (argc >= 3 && argv[argc - 1][0] != '-')
			disk_image_sweep_dir(argv[argc - 1]);   /* a SIGKILLed run's disk images */
		return cmd_report(argc - 1, argv + 1);
	}
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2)
		fprintf(stderr, "vmbench: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EX_USAGE;
}
