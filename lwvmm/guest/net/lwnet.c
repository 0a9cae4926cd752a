/*
 * The lwIP network interface over netfront (pv-drivers/front/netfront.h):
 * received frames are copied once, from the front end's buffer into an lwIP
 * pbuf of their own size, and handed to ethernet_input; lwIP's output frames
 * (in place when in one piece, the pbuf held until sent) are queued on the
 * transmit ring and published in batches, at the end of a
 * poll round, so several frames share one notification. The interface takes
 * the link's MTU (up to 65521 bytes: lwIP's segments as large as the
 * frames). Where the device offers checksum offload, lwIP neither computes
 * nor checks TCP checksums (the link cannot corrupt data): each outgoing TCP
 * segment carries only its pseudo-header sum and NET_TXF_CSUM_BLANK, and the
 * host is told through the tap's virtio-net header.
 */
#include "lwnet.h"

#include "evtchn.h"
#include "lwip/etharp.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/prot/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
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
static uint64_t rx_dropped;
void *lwnet_heap;             /* lwIP's heap (lwipopts.h), allocated in lwnet_up */

/*
 * An IPv4 TCP frame (lwIP left its checksum 0: NETIF_CHECKSUM_GEN_TCP is off
 * where the device offloads) gets its pseudo-header sum, as a NIC that
 * finishes the checksum expects; NET_TXF_CSUM_BLANK, or 0 for other frames.
 */
static uint32_t blank_tcp_checksum(uint8_t *f, uint32_t len)
{
	if (!nf.csum_offload || len < SIZEOF_ETH_HDR + IP_HLEN || f[12] != 0x08 || f[13] != 0x00)
		return 0;
	struct ip_hdr *ip = (struct ip_hdr *)(f + SIZEOF_ETH_HDR);
	uint32_t ihl = IPH_HL_BYTES(ip);
	if (IPH_PROTO(ip) != IP_PROTO_TCP || SIZEOF_ETH_HDR + ihl + TCP_HLEN > len)
		return 0;
	struct tcp_hdr *tcp = (struct tcp_hdr *)(f + SIZEOF_ETH_HDR + ihl);
	ip4_addr_t src, dst;
	ip4_addr_copy(src, ip->src);
	ip4_addr_copy(dst, ip->dest);
	u16_t tcp_len = (u16_t)(lwip_ntohs(IPH_LEN(ip)) - ihl);
	/* the folded sum of the pseudo header alone, not inverted (what csum_start expects) */
	tcp->chksum = (u16_t)~ip_chksum_pseudo_partial(0, IP_PROTO_TCP, tcp_len, 0, &src, &dst);
	return NET_TXF_CSUM_BLANK;
}

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
	uint8_t *frame = p->payload;
	uint64_t deadline = 0;

	(void)n;
	if (p->tot_len > nf.mtu + NET_ETH_HEADER)
		return ERR_IF;
	if (p->next) {
		pbuf_copy_partial(p, flat, p->tot_len, 0);
		frame = flat;
	}
	uint32_t flags = blank_tcp_checksum(frame, p->tot_len);
	/*
	 * A frame in one piece goes out in place: the pbuf is held (pbuf_ref)
	 * until the back end has sent it, and lwIP does not resend a segment
	 * whose pbuf is held (tcp_output_segment_busy).
	 */
	int in_place = !p->next;
	if (in_place)
		pbuf_ref(p);
	/* Every transmit buffer in flight: publish them and wait for the back end. */
	while ((in_place ? netfront_send_in_place(&nf, frame, p->tot_len, flags, p)
			 : netfront_send(&nf, frame, p->tot_len, flags)) < 0) {
		uint64_t now = wl_time_ns();
		if (!deadline) {
			tx_stalls++;
			deadline = now + TX_STALL_LIMIT_NS;
		} else if (now >= deadline) {
			if (in_place)
				pbuf_free(p);
			return ERR_MEM;   /* dropped; TCP retransmits */
		}
		netfront_flush(&nf);
		netfront_wait(&nf, deadline);
	}
	return ERR_OK;
}

/* netfront's release: a frame sent in place no longer needs its pbuf. */
static void release_sent(void *cookie)
{
	pbuf_free(cookie);
}

static err_t netif_setup(struct netif *n)
{
	n->name[0] = 'l';
	n->name[1] = 'w';
	n->mtu = (u16_t)nf.mtu;
	n->hwaddr_len = ETH_HWADDR_LEN;
	for (int i = 0; i < ETH_HWADDR_LEN; i++)
		n->hwaddr[i] = nf.mac[i];
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	n->output = etharp_output;
	n->linkoutput = linkoutput;
	if (nf.csum_offload)   /* IP header checksums stay: the host's IP layer checks them */
		NETIF_SET_CHECKSUM_CTRL(n, NETIF_CHECKSUM_GEN_IP | NETIF_CHECKSUM_CHECK_IP |
					NETIF_CHECKSUM_GEN_ICMP | NETIF_CHECKSUM_CHECK_ICMP);
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
	nf.release = release_sent;
	lwnet_heap = wl_alloc(LWNET_HEAP_BYTES);
	if (!lwnet_heap) {
		state = -1;
		wl_printf("net: no guest memory for lwIP's %d MiB heap (give lwvmm more --mem)\n",
			  LWNET_HEAP_BYTES >> 20);
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
		const void *frame;
		uint32_t len = netfront_peek(&nf, &frame);
		if (!len)
			break;
		/* small frames from the pool, large ones from the heap, each one piece */
		struct pbuf *p = len <= PBUF_POOL_BUFSIZE ? pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL) : 0;
		if (!p)
			p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
		if (p)
			pbuf_take(p, frame, (u16_t)len);
		else
			rx_dropped++;     /* no memory: dropped, TCP recovers */
		netfront_next(&nf);
		if (p && nif.input(p, &nif) != ERR_OK)
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
	s->tx_in_place = nf.tx_in_place;
	s->rx_dropped = rx_dropped;
}
