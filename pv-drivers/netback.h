/*
 * The network back end: the guest's Ethernet frames (netif.h) to and from a
 * tap device that lives as long as lwvmm does. The link's MTU is large
 * (NET_DEFAULT_MTU on both ends unless --net gives mtu=N), and with offload
 * on (the default) the tap carries a virtio-net header (IFF_VNET_HDR) through
 * which the host is told of checksums the guest left blank, and tells us of
 * its own (TUN_F_CSUM): nobody checksums what this link carries. Zero copy: frames are written
 * to the tap straight from guest buffers, and read from it straight into
 * buffers the guest posted. One thread per device sleeps in poll() on the
 * front end's doorbell (an ioeventfd) and, when the guest has buffers posted,
 * on the tap device.
 */
#ifndef PV_NETBACK_H
#define PV_NETBACK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "backend.h"
#include "netif.h"
#include "ring.h"

struct netback_stats {
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;
	uint64_t errors;       /* requests answered with an error */
	uint64_t kicks;        /* notifications from the front end */
	uint64_t notifies;     /* notifications to the front end */
	uint64_t wakeups;      /* the thread's returns from poll() */
	uint64_t tx_csum_blank, rx_csum_blank;   /* frames whose checksum nobody computed */
	uint64_t poll_hits, poll_misses;         /* polling before sleeping (netback.c) caught work or not */
};

struct netback {
	char ifname[16];
	int tap_fd;
	uint8_t mac[6];                  /* the guest's */
	uint32_t host_ip, guest_ip, netmask;   /* network byte order */
	uint32_t mtu;                    /* the link's, both ends */
	int offload;                     /* checksum offload through the virtio-net header */
	size_t vnet_hdr;                 /* bytes of virtio-net header before each frame: 0 without offload */
	uint64_t poll_ns;                /* the thread's polling window (netback.c), 0: none */

	struct pv_guest *guest;
	struct ring_back tx, rx;
	int port;
	int kick_fd;
	int attached;
	pthread_t thread;
	atomic_int stop;
	atomic_int broken;
	struct netback_stats stats;
};

/* The device kind (backend.h): open takes "tap[,host=IP][,guest=IP][,prefix=N][,mtu=N][,offload=on|off]". */
extern const struct backend_ops netback_ops;

#endif
