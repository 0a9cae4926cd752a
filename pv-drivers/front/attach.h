/* The one way a front end hands its rings to the monitor (HC_DEVICE_ATTACH). */
#ifndef PV_FRONT_ATTACH_H
#define PV_FRONT_ATTACH_H

#include <stdint.h>

#include "ring.h"

/*
 * Allocates `nrings` rings of `ring_bytes` each in one contiguous area,
 * initialises the shared pages and each front end's view (slots of
 * `slot_size`), and attaches the area to device `dev`. Returns the device's
 * event channel port, or -1 (no memory, or the monitor refused).
 */
int front_attach_rings(int dev, struct ring_front *const rings[], int nrings, uint64_t ring_bytes,
		       uint32_t slot_size);

#endif
