/*
 * The lwIP network interface over netfront (pv-drivers/front/netfront.h):
 * received frames are copied once, from the front end's buffer into an lwIP
 * pbuf, and handed to ethernet_input; lwIP's output frames are queued on the
 * transmit ring and published in batches, at the end of a poll round, so
 * several frames share one notification.
 */
#include "lwnet.h"

#include "evtchn.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netfront.h"
#include "netif/ethernet.h"

#define RX_BUDGET 64          /* frames per poll round before timers run */
#define TX_STALL_LIMIT_NS 1000000000ULL

static struct netfront nf;
static struct netif nif;
static int state;             /* 0: not tried, 1: up, -1: no device */
static uint64_t tx_stalls;
static uint8_t flat[NET_MAX_FRAME];  /* for frames lwIP hands over in pieces */
static uint8_t scratch[NET_MAX_FRAME]; /* to drop a frame when lwIP has no buffer */

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
	const void *frame = p->payload;
	uint64_t deadline = 0;

	(void)n;
	if (p->tot_len > NET_MAX_FRAME)
		return ERR_IF;
	if (p->next) {
		pbuf_copy_partial(p, flat, p->tot_len, 0);
		frame = flat;
	}
	/* Every transmit buffer in flight: publish them and wait for the back end. */
	while (netfront_send(&nf, frame, p->tot_len) < 0) {
		uint64_t now = wl_time_ns();
		if (!deadline) {
			tx_stalls++;
			deadline = now + TX_STALL_LIMIT_NS;
		} else if (now >= deadline) {
			return ERR_MEM;   /* dropped; TCP retransmits */
		}
		netfront_flush(&nf);
		netfront_wait(&nf, deadline);
	}
	return ERR_OK;
}

static err_t netif_setup(struct netif *n)
{
	n->name[0] = 'l';
	n->name[1] = 'w';
	n->mtu = 1500;
	n->hwaddr_len = ETH_HWADDR_LEN;
	for (int i = 0; i < ETH_HWADDR_LEN; i++)
		n->hwaddr[i] = nf.mac[i];
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	n->output = etharp_output;
	n->linkoutput = linkoutput;
	return ERR_OK;
}

int lwnet_up(void)
{
	ip4_addr_t ip, mask, gw;

	if (state)
		return state > 0 ? 0 : -1;
	if (netfront_open(&nf) < 0) {
		state = -1;
		wl_printf("net: the VM has no network device (give lwvmm --net tap)\n");
		return -1;
	}
	lwip_init();
	ip.addr = nf.ip;
	mask.addr = nf.netmask;
	gw.addr = nf.gateway;
	netif_add(&nif, &ip, &mask, &gw, 0, netif_setup, ethernet_input);
	netif_set_default(&nif);
	netif_set_link_up(&nif);
	netif_set_up(&nif);        /* sends a gratuitous ARP: the host learns our MAC */
	netfront_flush(&nf);
	state = 1;
	return 0;
}

ip4_addr_t lwnet_gateway(void)
{
	ip4_addr_t gw;

	gw.addr = nf.gateway;
	return gw;
}

/* Feeds up to RX_BUDGET received frames to lwIP; returns how many. */
static int receive(void)
{
	int n;

	for (n = 0; n < RX_BUDGET; n++) {
		struct pbuf *p = pbuf_alloc(PBUF_RAW, NET_MAX_FRAME, PBUF_POOL);
		if (p && p->next) {       /* a chain: the pool's buffers are too small */
			pbuf_free(p);
			p = 0;
		}
		if (!p)
			p = pbuf_alloc(PBUF_RAW, NET_MAX_FRAME, PBUF_RAM);
		if (!p) {
			if (!netfront_recv(&nf, scratch, sizeof(scratch)))
				break;
			continue;         /* no memory: dropped, TCP recovers */
		}
		uint32_t len = netfront_recv(&nf, p->payload, NET_MAX_FRAME);
		if (!len) {
			pbuf_free(p);
			break;
		}
		pbuf_realloc(p, (u16_t)len);
		if (nif.input(p, &nif) != ERR_OK)
			pbuf_free(p);
	}
	return n;
}

void lwnet_flush(void)
{
	netfront_flush(&nf);
}

void lwnet_poll(int may_sleep, uint64_t deadline_ns)
{
	int got = receive();

	sys_check_timeouts();
	netfront_flush(&nf);
	if (got || !may_sleep)
		return;
	uint32_t sleep_ms = sys_timeouts_sleeptime();
	uint64_t until = wl_time_ns() + (uint64_t)sleep_ms * 1000000u;
	if (sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || (deadline_ns && deadline_ns < until))
		until = deadline_ns;
	netfront_wait(&nf, until);
}

void lwnet_get_stats(struct wl_net_stats *s)
{
	s->have_ring_stats = state > 0;
	s->tx_frames = nf.tx_frames;
	s->rx_frames = nf.rx_frames;
	s->kicks = nf.kicks;
	s->sleeps = evtchn_sleeps;
	s->tx_stalls = tx_stalls;
}
