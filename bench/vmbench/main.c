/* vmbench: runs benchmark suites and writes reports. */
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: vmbench run --suite NAME [--envs native,vm,...] [--reps N] [--out DIR]\n"
		   "       vmbench report DIR\n");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	fprintf(stderr, "vmbench: commands are not implemented yet\n");
	return 64;
}
