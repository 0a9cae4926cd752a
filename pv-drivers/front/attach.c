#include "attach.h"
#include "platform.h"

int front_attach_rings(int dev, struct ring_front *const rings[], int nrings, uint64_t ring_bytes,
		       uint32_t slot_size)
{
	uint8_t *area = front_alloc((size_t)(ring_bytes * (uint64_t)nrings));

	if (!area)
		return -1;
	for (int i = 0; i < nrings; i++) {
		struct ring_shared *s = (struct ring_shared *)(area + (uint64_t)i * ring_bytes);
		ring_shared_init(s);
		ring_front_init(rings[i], s, ring_slots_for(ring_bytes, slot_size), slot_size);
	}
	int64_t port = hc_call3(HC_DEVICE_ATTACH, (uint64_t)dev, (uint64_t)area,
				ring_bytes * (uint64_t)nrings);
	return port < 0 ? -1 : (int)port;
}
