/*
 * The guest's network front end: sends and receives Ethernet frames over the
 * two rings of netif.h. Frames are copied between the caller and buffers the
 * front end owns (the rings themselves are zero copy towards the monitor),
 * each holding one frame of the link's MTU (the device description's), or
 * sent from the caller's memory (netfront_send_in_place) and received in
 * place (netfront_peek).
 */
#ifndef PV_NETFRONT_H
#define PV_NETFRONT_H

#include <stdint.h>

#include "netif.h"
#include "ring.h"

#define NETFRONT_TX_BUFFERS 64
#define NETFRONT_RX_BUFFERS 64

struct netfront {
	int dev;
	int port;
	uint8_t mac[6];
	uint32_t ip, netmask, gateway;       /* network byte order, from the boot information */
	uint32_t mtu;                        /* the link's */
	uint32_t buffer_bytes;               /* one frame: mtu + NET_ETH_HEADER, rounded up */
	int csum_offload;                    /* NET_TXF_CSUM_BLANK may be used */
	struct ring_front tx, rx;
	uint8_t *tx_buf[NETFRONT_TX_BUFFERS];
	int tx_free[NETFRONT_TX_BUFFERS];    /* stack of free transmit buffer ids */
	int tx_nfree;
	uint8_t *rx_buf[NETFRONT_RX_BUFFERS];
	void *tx_cookie[NETFRONT_TX_BUFFERS];  /* netfront_send_in_place's, until its response */
	void (*release)(void *cookie);        /* called with each cookie once its frame was sent */
	/* statistics */
	uint64_t tx_frames, rx_frames, kicks, tx_errors, tx_in_place;
};

/* Attaches the first network device; 0, or -1 when the VM has none. */
int netfront_open(struct netfront *nf);

/*
 * Queues one frame (copied) with NET_TXF_* `flags`; -1 when every transmit
 * buffer is in flight or the frame is longer than the link's MTU allows.
 */
int netfront_send(struct netfront *nf, const void *frame, uint32_t len, uint32_t flags);

/*
 * Queues a frame where it is, with no copy: the caller keeps it unchanged
 * until nf->release(cookie) is called (from a later netfront call), once the
 * back end has sent it. -1 as for netfront_send; the frame must lie in
 * guest RAM the guest owns (the back end refuses it otherwise).
 */
int netfront_send_in_place(struct netfront *nf, const void *frame, uint32_t len, uint32_t flags,
			   void *cookie);

/* Publishes queued frames; notifies the back end only if it asked. */
void netfront_flush(struct netfront *nf);

/* Copies one received frame into `frame`; returns its length, or 0 when none waits. */
uint32_t netfront_recv(struct netfront *nf, void *frame, uint32_t size);

/*
 * The next received frame in place: its length and *frame, or 0 when none
 * waits (errored responses are skipped). netfront_next() then gives its
 * buffer back to the back end.
 */
uint32_t netfront_peek(struct netfront *nf, const void **frame);
void netfront_next(struct netfront *nf);

/*
 * Sleeps until a frame arrives or a transmit buffer frees up, or until
 * `deadline_ns` (wl_time_ns() clock; 0: no deadline) passes.
 */
void netfront_wait(struct netfront *nf, uint64_t deadline_ns);

#endif
