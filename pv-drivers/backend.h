/*
 * What a back end sees of its guest: RAM (for zero-copy access, always
 * through guest_ptr()'s bounds checks), a way to raise an event channel
 * towards the guest, and the flag that says the VM is stopping.
 */
#ifndef PV_BACKEND_H
#define PV_BACKEND_H

#include <stdatomic.h>
#include <stdint.h>

#include "guest_memory.h"

struct pv_guest {
	struct guest_memory *mem;
	void (*raise_event)(void *ctx, int port);
	void *ctx;
};

#endif
