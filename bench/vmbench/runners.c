/* The table of environments. To add one, add its runner here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

extern const struct runner runner_native;
extern const struct runner runner_vm;
extern const struct runner runner_container;
extern const struct runner runner_container_cr;

const struct runner *const runners[] = {
	&runner_native,
	&runner_vm,
	&runner_container,
	&runner_container_cr,
	NULL,
};

const struct runner *runner_find(const char *name)
{
	for (int i = 0; runners[i]; i++)
		if (!strcmp(runners[i]->name, name))
			return runners[i];
	return NULL;
}

int runner_executable(const char *path, char *why, size_t whylen)
{
	if (access(path, X_OK) == 0)
		return 1;
	snprintf(why, whylen, "%s: %s", path, strerror(errno));
	return 0;
}
