/* Which program runs a workload: see tools.h. */
#include <string.h>

#include "tools.h"

const char *tools_program(const char *workload)
{
	static const char *const tools[] = { "fio", "iperf3", "stress-ng", NULL };

	for (int i = 0; tools[i]; i++)
		if (!strcmp(workload, tools[i]))
			return "vmbench-tool";
	return "workload";
}
