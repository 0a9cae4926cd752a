/* `vmbench run`: the harness loop. */
#ifndef VMBENCH_RUN_H
#define VMBENCH_RUN_H

int cmd_run(int argc, char **argv);
/* Disk images of dead runs in results/ and, with out, in and beside it. */
void sweep_dead_runs(const char *out);
/* `vmbench gc [DIR...]`: every sweep of the project's leftovers (gc.c). */
int cmd_gc(int argc, char **argv);

#endif
