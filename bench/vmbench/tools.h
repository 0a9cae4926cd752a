/*
 * The standard tools (fio, iperf3, stress-ng) run through build/bin/vmbench-tool,
 * which prints the same result line as build/bin/workload; runners ask here
 * which of the two programs runs a cell's workload.
 */
#ifndef VMBENCH_TOOLS_H
#define VMBENCH_TOOLS_H

/* "vmbench-tool" for fio, iperf3 and stress-ng, else "workload". */
const char *tools_program(const char *workload);

#endif
