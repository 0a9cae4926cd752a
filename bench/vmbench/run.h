/* `vmbench run`: the harness loop. */
#ifndef VMBENCH_RUN_H
#define VMBENCH_RUN_H

int cmd_run(int argc, char **argv);

#endif
