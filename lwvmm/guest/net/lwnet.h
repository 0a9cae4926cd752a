/*
 * lwIP on the network front end, in the built-in guest: one network
 * interface over netfront, driven by polling (the guest takes no
 * interrupts). wl_tcp_lwip.c builds the workloads' TCP API on it.
 */
#ifndef PV_NET_LWNET_H
#define PV_NET_LWNET_H

#include <stdint.h>

#include "lwip/ip4_addr.h"
#include "wl.h"

/* Brings the stack and the interface up once; 0, or -1 (reason printed) when the VM has no NIC. */
int lwnet_up(void);

/* The host end of the link (the gateway in the boot information). */
ip4_addr_t lwnet_gateway(void);

/*
 * One round of the poll loop: feeds received frames to lwIP, runs its timers,
 * publishes queued frames. When nothing arrived and `may_sleep`, sleeps in
 * the monitor until a frame arrives, the next lwIP timer or `deadline_ns`.
 */
void lwnet_poll(int may_sleep, uint64_t deadline_ns);

/* Publishes queued frames (after lwIP produced output outside lwnet_poll). */
void lwnet_flush(void);

void lwnet_get_stats(struct wl_net_stats *s);

#endif
