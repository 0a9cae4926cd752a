/* Placeholder until the report generator lands. */
#include <stdio.h>

#include "report.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vmbench: report is not implemented yet\n");
	return 1;
}
