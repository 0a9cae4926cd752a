/*
 * The console protocol on a shared ring (ring.h): each request slot carries
 * up to CONS_SLOT_BYTES of output. The back end writes them to the monitor's
 * standard output in order and answers each with an empty response, which
 * frees the slot. One notification covers every slot pushed before it.
 */
#ifndef PV_CONSIF_H
#define PV_CONSIF_H

#include <stdint.h>

#define CONS_SLOT_SIZE 128
#define CONS_SLOT_BYTES (CONS_SLOT_SIZE - 8)

struct cons_request {
	uint32_t len;
	uint32_t reserved;
	char data[CONS_SLOT_BYTES];
};

#endif
