/*
 * The network device protocol: two rings (ring.h) in one attached area, the
 * transmit ring in its first half and the receive ring in its second, as in
 * Xen's netfront/netback. Frames are Ethernet frames without checksum
 * offload. Zero copy both ways: a transmit request names the guest buffer
 * holding a frame, which the back end writes to the tap device in place; a
 * receive request posts an empty guest buffer, which the back end fills
 * straight from the tap device, answering with the frame's length.
 * One event channel port serves both rings.
 */
#ifndef PV_NETIF_H
#define PV_NETIF_H

#include <stdint.h>

#include "lwvmm_abi.h"   /* the errors: LW_E* */

#define NET_SLOT_SIZE 32
#define NET_MAX_FRAME 1514      /* MTU 1500 plus the Ethernet header */
#define NET_RING_BYTES 8192     /* each of the two rings */

struct net_tx_request {
	uint64_t id;
	uint64_t buffer;   /* guest-physical address of the frame */
	uint32_t len;
	uint32_t reserved;
};

struct net_rx_request {
	uint64_t id;
	uint64_t buffer;   /* an empty guest buffer for one frame */
	uint32_t size;     /* at least NET_MAX_FRAME */
	uint32_t reserved;
};

struct net_response {
	uint64_t id;
	int32_t status;    /* 0 or a negative errno */
	uint32_t len;      /* receive: the frame's length */
};

#endif
