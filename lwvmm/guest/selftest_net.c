/*
 * A network device check that needs no TCP/IP stack: the guest asks, with a
 * raw ARP request, for the MAC address of the host end of its link, and the
 * host kernel answers through the tap device. Used by the selftest workload
 * (--mode net-arp) and the host tests.
 */
#include "hypercall.h"
#include "netfront.h"
#include "selftest.h"
#include "selftest_rings.h"
#include "wl.h"

static struct netfront nf;   /* a run uses one selftest mode, so opens it once */

/* 0, or says what the VM lacks and returns -1. */
static int open_net(void)
{
	if (netfront_open(&nf) >= 0)
		return 0;
	wl_printf("selftest: needs lwvmm --net tap\n");
	return -1;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_ip(uint8_t *p, uint32_t ip_net_order)
{
	__builtin_memcpy(p, &ip_net_order, 4);
}

static int is_arp_reply_from(const uint8_t *f, uint32_t len, uint32_t ip_net_order)
{
	if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 2)
		return 0;
	return __builtin_memcmp(f + 28, &ip_net_order, 4) == 0;   /* sender protocol address */
}

int selftest_net_arp(void)
{
	uint8_t frame[1514] = { 0 };

	if (open_net() < 0)
		return 2;
	/* Ethernet: broadcast, from us, type ARP. */
	for (int i = 0; i < 6; i++) {
		frame[i] = 0xff;
		frame[6 + i] = nf.mac[i];
		frame[22 + i] = nf.mac[i];   /* sender hardware address */
	}
	put_be16(frame + 12, 0x0806);
	put_be16(frame + 14, 1);         /* Ethernet */
	put_be16(frame + 16, 0x0800);    /* IPv4 */
	frame[18] = 6;
	frame[19] = 4;
	put_be16(frame + 20, 1);         /* request */
	put_ip(frame + 28, nf.ip);
	put_ip(frame + 38, nf.gateway);
	uint64_t deadline = wl_time_ns() + 3000000000ULL;
	for (int tries = 0; tries < 3; tries++) {
		if (netfront_send(&nf, frame, 60, 0) < 0)
			return 1;
		netfront_flush(&nf);
		uint64_t until = wl_time_ns() + 1000000000ULL;
		while (wl_time_ns() < until && wl_time_ns() < deadline) {
			uint8_t in[1514];
			uint32_t len = netfront_recv(&nf, in, sizeof(in));
			if (len && is_arp_reply_from(in, len, nf.gateway)) {
				wl_printf("selftest: the host end answered ARP: %x:%x:%x:%x:%x:%x\n",
					  in[22], in[23], in[24], in[25], in[26], in[27]);
				return 0;
			}
			if (!len)
				netfront_wait(&nf, until);
		}
	}
	wl_printf("selftest: no ARP reply from the host end\n");
	return 1;
}

/* Sends one raw transmit request; its response status, or 1000 when none came within 2 s. */
static int tx_status(uint64_t buffer, uint32_t len, uint32_t flags)
{
	struct net_tx_request *r = ring_next_request(&nf.tx);
	r->id = 7;
	r->buffer = buffer;
	r->len = len;
	r->flags = flags;
	ring_front_commit_request(&nf.tx);
	netfront_flush(&nf);
	uint64_t deadline = wl_time_ns() + 2000000000ULL;
	while (!ring_unconsumed_responses(&nf.tx) && wl_time_ns() < deadline)
		netfront_wait(&nf, deadline);
	if (!ring_unconsumed_responses(&nf.tx))
		return 1000;
	int status = ((const struct net_response *)ring_next_response(&nf.tx))->status;
	ring_front_consume_response(&nf.tx);
	return status;
}

/*
 * Frames whose flags lie: a blank checksum claimed for a frame that is not
 * IPv4 TCP/UDP (an ARP frame), or for an IPv4 header that claims a TCP header
 * beyond the frame's end, and flags the protocol does not have. Each must be
 * refused with -EINVAL and the device must go on working (an ordinary frame
 * then goes out).
 */
static int net_badflags(void)
{
	static uint8_t f[128];
	int ok = 1;

	for (int i = 0; i < 6; i++)
		f[i] = 0xff;
	f[12] = 0x08, f[13] = 0x06;                     /* ARP */
	int arp = tx_status((uint64_t)f, 60, NET_TXF_CSUM_BLANK);
	f[13] = 0x00, f[14] = 0x4f, f[23] = 6;          /* IPv4, 60-byte header, TCP */
	int short_tcp = tx_status((uint64_t)f, 64, NET_TXF_CSUM_BLANK);
	int unknown = tx_status((uint64_t)f, 64, 0x80);
	int plain = tx_status((uint64_t)f, 64, 0);
	wl_printf("selftest: blank checksum on ARP %d, on a cut TCP header %d, unknown flag %d, "
		  "plain frame %d\n", arp, short_tcp, unknown, plain);
	ok = arp == LW_EINVAL && short_tcp == LW_EINVAL && unknown == LW_EINVAL && plain == 0;
	return ok ? 0 : 1;
}

/* Hostile network front ends: bad buffers get error responses, overruns break the device. */
int selftest_net_hostile(const char *mode)
{
	if (open_net() < 0)
		return 2;
	if (wl_strcmp(mode, "net-badflags") == 0)
		return net_badflags();
	if (wl_strcmp(mode, "net-badbuf") == 0) {
		int status = tx_status(lw_boot->mem_size - 64, 1000, 0);   /* runs past the end of RAM */
		wl_printf("selftest: frame outside RAM answered %d\n", status);
		return status == LW_EINVAL ? 0 : 1;
	}
	if (wl_strcmp(mode, "net-overrun") == 0) {
		selftest_overrun(&nf.tx, nf.port, "network device");
		return 0;
	}
	if (wl_strcmp(mode, "net-rx-overrun") == 0) {   /* the same on the receive ring */
		selftest_overrun(&nf.rx, nf.port, "network device's receive ring");
		return 0;
	}
	return 2;
}
