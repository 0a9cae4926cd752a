/*
 * libFuzzer target: the network back end (pv-drivers/netback.c) on tx and
 * rx rings a hostile guest controls, with frames of any size from the
 * "tap": short ones (under an Ethernet header), ordinary ones and oversized
 * ones (up to 64 KiB, beyond any buffer). A datagram socketpair stands in
 * for the tap device: one frame per read, truncated to the buffer, as a tap
 * gives. Transmitted frames are read back and must be what the guest named.
 * The frames byte also picks the link: MTU 1500 or the largest, and checksum
 * offload (a virtio-net header before every frame both ways, hostile ones
 * from the "host" too: segmentation asked for, checksum flags) or none.
 *
 * netback.c is included to call its static transmit(), receive() and push()
 * from this thread in the order of netback_thread(), without its poll().
 *
 * Input: 4 bytes tx start index, 4 tx producer advance, 4 rx start, 4 rx
 * advance, 1 byte: number of frames (its value mod 9, at most 8) and the link
 * (value / 9: bit 0 offload, bit 1 MTU 1500), 2 bytes of length per frame,
 * then 4096 bytes of tx slots and the rx slots.
 */
#include "netback.c"

#define RAM_SIZE (1u << 20)
#define RING_GPA 0x10000u
#define TX_SLOTS_BYTES 4096u
#define OWNED_FROM 0x8000u

static uint8_t *ram;
static struct guest_memory mem;
static int tap[2] = { -1, -1 };   /* [0]: the back end's tap_fd, [1]: the host's side */
static uint8_t frame[65536];

static void raise_event(void *ctx, int port)
{
	(void)ctx;
	(void)port;
}

static struct pv_guest guest = { .mem = &mem, .raise_event = raise_event };

static void set_up(void)
{
	ram = calloc(1, RAM_SIZE);
	if (!ram || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, tap) < 0)
		abort();
	int big = 1 << 20;   /* room for a few oversized frames */
	setsockopt(tap[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(tap[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	/* The guest owns RAM from OWNED_FROM up, less its rings (guest_memory.h). */
	mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE, .owned_from = OWNED_FROM,
		.rings = { { RING_GPA, 2 * NET_RING_BYTES } }, .nrings = 1 };
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
}

/* What netback_open's options and netback_attach do, but no thread: this one drives the back end. */
static void attach(struct netback *n, uint8_t *area, unsigned link)
{
	uint32_t slots = ring_slots_for(NET_RING_BYTES, NET_SLOT_SIZE);

	memset(n, 0, sizeof(*n));
	n->offload = link & 1;
	n->vnet_hdr = n->offload ? sizeof(struct virtio_net_hdr) : 0;
	n->mtu = link & 2 ? 1500 : NET_MAX_MTU;
	snprintf(n->ifname, sizeof(n->ifname), "fuzz0");
	n->tap_fd = tap[0];
	n->kick_fd = -1;
	n->guest = &guest;
	ring_back_init(&n->tx, (struct ring_shared *)area, slots, NET_SLOT_SIZE);
	ring_back_init(&n->rx, (struct ring_shared *)(area + NET_RING_BYTES), slots, NET_SLOT_SIZE);
	n->attached = 1;
}

/* Empties the host's side of what the guest sent: only frames of checked requests went out. */
static void drain_host_side(const struct netback *n)
{
	static uint8_t got[65536 + 1];
	uint64_t frames = 0;
	ssize_t len;

	while ((len = recv(tap[1], got, sizeof(got), 0)) >= 0) {
		ssize_t frame_len = len - (ssize_t)n->vnet_hdr;
		if (frame_len < 14 || frame_len > (ssize_t)n->mtu + NET_ETH_HEADER)
			abort();
		if (n->vnet_hdr) {   /* a checksum the back end says is blank lies inside the frame */
			struct virtio_net_hdr h;
			memcpy(&h, got, sizeof(h));
			if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE || (h.flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
			    ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
			     (uint32_t)h.csum_start + h.csum_offset + 2 > (uint32_t)frame_len))
				abort();
		}
		frames++;
	}
	if (frames > n->stats.tx_frames)
		abort();   /* a frame went out that no checked request named */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct netback n;
	uint32_t tx_start, tx_advance, rx_start, rx_advance;

	if (!ram)
		set_up();
	if (size < 17)
		return 0;
	memcpy(&tx_start, data, 4);
	memcpy(&tx_advance, data + 4, 4);
	memcpy(&rx_start, data + 8, 4);
	memcpy(&rx_advance, data + 12, 4);
	size_t nframes = data[16] % 9;
	unsigned link = data[16] / 9;
	data += 17;
	size -= 17;
	if (size < 2 * nframes)
		return 0;

	/* The host sends its frames first: they wait in the "tap" for rx buffers. */
	for (size_t i = 0; i < nframes; i++) {
		uint16_t len;
		memcpy(&len, data + 2 * i, 2);
		if (link & 1) {   /* the virtio-net header first: flags and segmentation from the length */
			struct virtio_net_hdr h = { .flags = (uint8_t)(len & 3),
				.gso_type = (len & 4) ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_NONE };
			struct iovec iov[2] = { { &h, sizeof(h) }, { frame, len } };
			struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
			sendmsg(tap[1], &m, 0);
		} else {
			send(tap[1], frame, len, 0);
		}
	}
	data += 2 * nframes;
	size -= 2 * nframes;

	uint8_t *area = guest_ptr(&mem, RING_GPA, 2 * NET_RING_BYTES);
	struct ring_shared *tx = (struct ring_shared *)area;
	struct ring_shared *rx = (struct ring_shared *)(area + NET_RING_BYTES);
	memset(area, 0, 2 * NET_RING_BYTES);
	size_t txn = size < TX_SLOTS_BYTES ? size : TX_SLOTS_BYTES;
	memcpy(tx->slots, data, txn);
	size_t rxn = size - txn < TX_SLOTS_BYTES ? size - txn : TX_SLOTS_BYTES;
	memcpy(rx->slots, data + txn, rxn);
	tx->rsp_prod = tx_start;
	rx->rsp_prod = rx_start;
	attach(&n, area, link);
	tx->req_prod = tx_start + tx_advance;
	rx->req_prod = rx_start + rx_advance;

	/* netback_thread()'s pass, twice: the second finds what the first left. */
	for (int pass = 0; pass < 2; pass++) {
		if (!atomic_load(&n.broken)) {
			transmit(&n);
			receive(&n);
		}
		push(&n);
		ring_final_check_for_requests(&n.tx);
		ring_final_check_for_requests(&n.rx);
	}
	drain_host_side(&n);
	/* Frames no buffer took stay in the tap; the next input starts with none. */
	while (recv(tap[0], frame, 0, 0) >= 0)
		;
	return 0;
}
