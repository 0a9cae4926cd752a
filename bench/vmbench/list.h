/* `vmbench list [suites|workloads|envs]` (list.c). */
#ifndef VMBENCH_LIST_H
#define VMBENCH_LIST_H

int cmd_list(int argc, char **argv);

#endif
