#include "attach.h"
#include "evtchn.h"
#include "netfront.h"
#include "platform.h"

static void post_rx(struct netfront *nf, int id)
{
	struct net_rx_request *r = ring_next_request(&nf->rx);
	r->id = (uint64_t)id;
	r->buffer = (uint64_t)nf->rx_buf[id];
	r->size = nf->buffer_bytes;
	r->reserved = 0;
	ring_front_commit_request(&nf->rx);
}

static void notify_if_asked(struct netfront *nf, struct ring_front *ring)
{
	if (ring_push_requests_and_check_notify(ring)) {
		nf->kicks++;
		evtchn_notify(nf->port);
	}
}

int netfront_open(struct netfront *nf)
{
	int dev = 0;

	while (dev < (int)lw_boot->ndevices && lw_boot->devices[dev].type != LW_DEV_NET)
		dev++;
	if (dev == (int)lw_boot->ndevices)
		return -1;
	const struct lw_device_desc *d = &lw_boot->devices[dev];
	nf->dev = dev;
	for (int i = 0; i < 6; i++)
		nf->mac[i] = d->mac[i];
	nf->ip = d->ip;
	nf->netmask = d->netmask;
	nf->gateway = d->gateway;
	nf->mtu = d->mtu >= 576 && d->mtu <= NET_MAX_MTU ? d->mtu : 1500;
	nf->buffer_bytes = (nf->mtu + NET_ETH_HEADER + 63) & ~63u;
	nf->csum_offload = (d->flags & LW_DEV_NET_CSUM_OFFLOAD) != 0;
	nf->tx_frames = nf->rx_frames = nf->kicks = nf->tx_errors = nf->tx_in_place = 0;

	uint8_t *buffers = front_alloc((uint64_t)(NETFRONT_TX_BUFFERS + NETFRONT_RX_BUFFERS) * nf->buffer_bytes);
	if (!buffers)
		return -1;
	for (int i = 0; i < NETFRONT_TX_BUFFERS; i++) {
		nf->tx_buf[i] = buffers + (uint64_t)i * nf->buffer_bytes;
		nf->tx_free[i] = i;
	}
	nf->tx_nfree = NETFRONT_TX_BUFFERS;
	for (int i = 0; i < NETFRONT_RX_BUFFERS; i++)
		nf->rx_buf[i] = buffers + (uint64_t)(NETFRONT_TX_BUFFERS + i) * nf->buffer_bytes;

	/* The transmit ring in the first half of the area, the receive ring in the second. */
	struct ring_front *const rings[] = { &nf->tx, &nf->rx };
	nf->port = front_attach_rings(dev, rings, 2, NET_RING_BYTES, NET_SLOT_SIZE);
	if (nf->port < 0)
		return -1;
	for (int i = 0; i < NETFRONT_RX_BUFFERS; i++)
		post_rx(nf, i);
	notify_if_asked(nf, &nf->rx);
	return 0;
}

/* Transmit buffers whose frames the back end has sent come back to the free stack. */
static void reap_tx(struct netfront *nf)
{
	while (ring_unconsumed_responses(&nf->tx)) {
		const struct net_response *r = ring_next_response(&nf->tx);
		if (r->status)
			nf->tx_errors++;
		if (r->id < NETFRONT_TX_BUFFERS && nf->tx_nfree < NETFRONT_TX_BUFFERS) {
			void *cookie = nf->tx_cookie[r->id];
			nf->tx_cookie[r->id] = 0;
			if (cookie && nf->release)
				nf->release(cookie);
			nf->tx_free[nf->tx_nfree++] = (int)r->id;
		}
		ring_front_consume_response(&nf->tx);
	}
}

/* A free transmit id, or -1 when every one is in flight (or the ring is full, or the frame too long). */
static int take_tx_id(struct netfront *nf, uint32_t len)
{
	reap_tx(nf);
	if (nf->tx_nfree == 0 || ring_free_requests(&nf->tx) == 0 || len > nf->mtu + NET_ETH_HEADER)
		return -1;
	return nf->tx_free[--nf->tx_nfree];
}

static void queue_tx(struct netfront *nf, int id, const void *frame, uint32_t len, uint32_t flags)
{
	struct net_tx_request *r = ring_next_request(&nf->tx);
	r->id = (uint64_t)id;
	r->buffer = (uint64_t)frame;
	r->len = len;
	r->flags = flags;
	ring_front_commit_request(&nf->tx);
	nf->tx_frames++;
}

int netfront_send(struct netfront *nf, const void *frame, uint32_t len, uint32_t flags)
{
	int id = take_tx_id(nf, len);

	if (id < 0)
		return -1;
	__builtin_memcpy(nf->tx_buf[id], frame, len);
	queue_tx(nf, id, nf->tx_buf[id], len, flags);
	return 0;
}

int netfront_send_in_place(struct netfront *nf, const void *frame, uint32_t len, uint32_t flags,
			   void *cookie)
{
	int id = take_tx_id(nf, len);

	if (id < 0)
		return -1;
	nf->tx_cookie[id] = cookie;
	queue_tx(nf, id, frame, len, flags);
	nf->tx_in_place++;
	return 0;
}

void netfront_flush(struct netfront *nf)
{
	notify_if_asked(nf, &nf->tx);
}

/* The response at the head of the receive ring: its buffer id and frame length (0: an error). */
static uint32_t head_frame(struct netfront *nf, int *id)
{
	const struct net_response *r = ring_next_response(&nf->rx);
	uint64_t rid = __atomic_load_n(&r->id, __ATOMIC_RELAXED);
	uint32_t len = __atomic_load_n(&r->len, __ATOMIC_RELAXED);
	int32_t status = __atomic_load_n(&r->status, __ATOMIC_RELAXED);

	*id = rid < NETFRONT_RX_BUFFERS ? (int)rid : 0;
	return status == 0 && len <= nf->buffer_bytes ? len : 0;
}

void netfront_next(struct netfront *nf)
{
	int id;

	head_frame(nf, &id);
	ring_front_consume_response(&nf->rx);
	post_rx(nf, id);   /* the buffer goes straight back to the back end */
	notify_if_asked(nf, &nf->rx);
}

uint32_t netfront_peek(struct netfront *nf, const void **frame)
{
	while (ring_unconsumed_responses(&nf->rx)) {
		int id;
		uint32_t len = head_frame(nf, &id);
		if (len > 0) {
			*frame = nf->rx_buf[id];
			nf->rx_frames++;
			return len;
		}
		netfront_next(nf);
	}
	return 0;
}

uint32_t netfront_recv(struct netfront *nf, void *frame, uint32_t size)
{
	const void *in;
	uint32_t len = netfront_peek(nf, &in);

	if (len > size)
		len = size;
	if (len)
		__builtin_memcpy(frame, in, len);
	if (len)
		netfront_next(nf);
	return len;
}

void netfront_wait(struct netfront *nf, uint64_t deadline_ns)
{
	uint64_t timeout = 0;

	netfront_flush(nf);
	if (ring_final_check_for_responses(&nf->rx))
		return;
	if (nf->tx_nfree == 0 && ring_final_check_for_responses(&nf->tx))
		return;
	if (deadline_ns) {
		uint64_t now = front_time_ns();
		if (now >= deadline_ns)
			return;
		timeout = deadline_ns - now;
	}
	evtchn_wait_timeout(1ULL << nf->port, timeout);
}
