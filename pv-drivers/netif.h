/*
 * The network device protocol: two rings (ring.h) in one attached area, the
 * transmit ring in its first half and the receive ring in its second, as in
 * Xen's netfront/netback. Frames are Ethernet frames of up to the link's MTU
 * (the device description's `mtu`, up to NET_MAX_MTU) plus the header. As in
 * Xen's NETTXF_csum_blank, a transmit request may leave its TCP or UDP
 * checksum blank (the field holds only the pseudo-header sum): the host is
 * told through the tap's virtio-net header, and nothing on this link, which
 * cannot corrupt data, computes it. Receive responses say the same of frames
 * from the host (NET_RXF_*), where the device offers LW_DEV_NET_CSUM_OFFLOAD.
 * Zero copy both ways: a transmit request names the guest buffer
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
#define NET_ETH_HEADER 14
#define NET_MAX_MTU 65521       /* a frame's length then fits 16 bits (lwIP's pbufs) */
#define NET_MAX_FRAME (NET_MAX_MTU + NET_ETH_HEADER)
#define NET_DEFAULT_MTU NET_MAX_MTU

/* net_tx_request.flags */
#define NET_TXF_CSUM_BLANK 0x1  /* the IPv4 TCP/UDP checksum is the pseudo-header sum only */
/* net_response.flags (receive) */
#define NET_RXF_CSUM_BLANK 0x1  /* as above: the host left the checksum to the (trusted) link */
#define NET_RXF_DATA_VALID 0x2  /* the host has checked the checksum */
#define NET_RING_BYTES 8192     /* each of the two rings */

struct net_tx_request {
	uint64_t id;
	uint64_t buffer;   /* guest-physical address of the frame */
	uint32_t len;
	uint32_t flags;    /* NET_TXF_* */
};

struct net_rx_request {
	uint64_t id;
	uint64_t buffer;   /* an empty guest buffer for one frame */
	uint32_t size;     /* at least the link's MTU plus NET_ETH_HEADER */
	uint32_t reserved;
};

struct net_response {
	uint64_t id;
	int32_t status;    /* 0 or a negative errno */
	uint32_t len;      /* receive: the frame's length */
	uint32_t flags;    /* receive: NET_RXF_* */
	uint32_t reserved;
};

#endif
