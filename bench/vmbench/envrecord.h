/* environment.json: what machine and software a run directory was measured on. */
#ifndef VMBENCH_ENVRECORD_H
#define VMBENCH_ENVRECORD_H

#include <jansson.h>

#include "runner.h"

/*
 * Host facts (CPU, topology, kernel, virtualization flavour, tool versions,
 * date, git revision). The harness adds the suite, the command line and the
 * environments' availability.
 */
json_t *envrecord_collect(const struct run_ctx *ctx);

/* "VMX", "SVM", "PVM" or "none", from the host's own files. */
const char *envrecord_flavour(void);

#endif
