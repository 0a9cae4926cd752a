/*
 * The workloads' TCP API (wl.h) in the built-in guest, on lwIP's raw
 * callback API. lwIP runs in this thread only: every blocking call turns the
 * poll loop (lwnet_poll) until its condition holds, the connection fails, or
 * WL_TCP_TIMEOUT_MS pass without progress.
 */
#include "lwnet.h"

#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#define SEND_CHUNK 65535      /* tcp_write takes at most 64 KiB - 1 */
#define RXQ_LEN 256

struct wl_tcp {
	struct tcp_pcb *pcb;  /* NULL once lwIP freed it (error) */
	int connected;
	int eof;
	err_t err;            /* the error that ended the connection */
	/* received, not yet read: whole pbuf chains, as lwIP delivered them
	 * (one chain's tot_len is 16 bits, so they are queued, not chained) */
	struct pbuf *rxq[RXQ_LEN];
	unsigned rx_head, rx_tail;
	u16_t rx_offset;      /* bytes already read from rxq[rx_head] */
};

static struct wl_tcp conns[4];

/* lwIP's own err_text() exists only in debug builds. */
static const char *err_text(err_t err)
{
	switch (err) {
	case ERR_MEM: return "out of memory";
	case ERR_BUF: return "buffer error";
	case ERR_TIMEOUT: return "timed out";
	case ERR_RTE: return "no route to the peer";
	case ERR_VAL: return "illegal value";
	case ERR_USE: return "address in use";
	case ERR_CONN: return "not connected";
	case ERR_ABRT: return "connection aborted (retransmissions exhausted or memory)";
	case ERR_RST: return "connection reset by the peer (nothing listens there?)";
	case ERR_CLSD: return "connection closed";
	case ERR_ARG: return "illegal argument";
	case ERR_IF: return "low-level network interface error";
	default: return "lwIP error";
	}
}

static uint64_t deadline_from_now(void)
{
	return wl_time_ns() + (uint64_t)WL_TCP_TIMEOUT_MS * 1000000u;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct wl_tcp *c = arg;

	(void)pcb;
	c->connected = err == ERR_OK;
	if (err != ERR_OK)
		c->err = err;
	return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct wl_tcp *c = arg;

	(void)pcb;
	(void)err;
	if (!p) {
		c->eof = 1;
		return ERR_OK;
	}
	if (c->rx_tail - c->rx_head == RXQ_LEN)
		return ERR_MEM;   /* lwIP keeps it and offers it again later */
	c->rxq[c->rx_tail++ % RXQ_LEN] = p;
	return ERR_OK;
}

/* lwIP has freed the pcb (reset, retransmissions exhausted, out of memory). */
static void on_error(void *arg, err_t err)
{
	struct wl_tcp *c = arg;

	c->pcb = 0;
	c->err = err != ERR_OK ? err : ERR_ABRT;
}

static void release(struct wl_tcp *c)
{
	for (; c->rx_head != c->rx_tail; c->rx_head++)
		pbuf_free(c->rxq[c->rx_head % RXQ_LEN]);
	c->rx_head = c->rx_tail = 0;
	c->rx_offset = 0;
	c->pcb = 0;
	c->connected = 0;
}

struct wl_tcp *wl_tcp_connect(const char *peer, int port)
{
	struct wl_tcp *c = 0;
	ip4_addr_t addr;

	if (lwnet_up() < 0)
		return 0;
	if (peer) {
		if (!ip4addr_aton(peer, &addr)) {
			wl_printf("net: '%s' is not an IPv4 address\n", peer);
			return 0;
		}
	} else {
		addr = lwnet_gateway();
	}
	for (unsigned i = 0; i < sizeof(conns) / sizeof(conns[0]) && !c; i++)
		if (!conns[i].pcb)
			c = &conns[i];
	struct tcp_pcb *pcb = c ? tcp_new() : 0;
	if (!pcb) {
		wl_printf("net: no free TCP connection\n");
		return 0;
	}
	c->pcb = pcb;
	c->connected = c->eof = 0;
	c->err = ERR_OK;
	c->rx_head = c->rx_tail = 0;
	c->rx_offset = 0;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_err(pcb, on_error);
	tcp_nagle_disable(pcb);   /* request/response: send small messages at once */
	err_t err = tcp_connect(pcb, &addr, (u16_t)port, on_connected);
	if (err != ERR_OK) {
		wl_printf("net: cannot connect to %s:%d: %s\n", ip4addr_ntoa(&addr), port, err_text(err));
		tcp_abort(pcb);
		release(c);
		return 0;
	}
	lwnet_flush();
	uint64_t deadline = deadline_from_now();
	while (!c->connected && c->err == ERR_OK && wl_time_ns() < deadline)
		lwnet_poll(1, deadline);
	if (!c->connected) {
		wl_printf("net: cannot connect to %s:%d: %s\n", ip4addr_ntoa(&addr), port,
			  c->err != ERR_OK ? err_text(c->err) : "timed out");
		if (c->pcb)
			tcp_abort(c->pcb);
		release(c);
		return 0;
	}
	return c;
}

static int failed(struct wl_tcp *c, const char *what)
{
	wl_printf("net: %s: %s\n", what, c->err != ERR_OK ? err_text(c->err) :
		  "no progress for 10 s");
	return -1;
}

int wl_tcp_send(struct wl_tcp *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t deadline = deadline_from_now();

	while (len > 0) {
		if (!c->pcb)
			return failed(c, "send");
		u32_t room = tcp_sndbuf(c->pcb);
		u16_t n = (u16_t)(len < SEND_CHUNK ? len : SEND_CHUNK);
		if (n > room)
			n = (u16_t)room;
		err_t err = ERR_MEM;
		if (n > 0 && tcp_sndqueuelen(c->pcb) < TCP_SND_QUEUELEN - 4)
			err = tcp_write(c->pcb, p, n, TCP_WRITE_FLAG_COPY | (len > n ? TCP_WRITE_FLAG_MORE : 0));
		if (err == ERR_OK) {
			p += n;
			len -= n;
			deadline = deadline_from_now();
			if (len > 0 && tcp_sndbuf(c->pcb) > 0)
				continue;   /* queue more before sending */
		} else if (err != ERR_MEM) {
			c->err = err;
			return failed(c, "send");
		}
		if (c->pcb)
			tcp_output(c->pcb);
		if (len == 0)
			break;
		if (wl_time_ns() >= deadline)
			return failed(c, "send");
		/* Send buffer full: let acknowledgements come in. */
		lwnet_poll(err == ERR_MEM, deadline);
	}
	lwnet_flush();
	return 0;
}

long wl_tcp_recv(struct wl_tcp *c, void *buf, size_t len)
{
	uint64_t deadline = deadline_from_now();

	while (c->rx_head == c->rx_tail) {
		if (c->eof)
			return 0;
		if (!c->pcb || wl_time_ns() >= deadline)
			return failed(c, "receive");
		lwnet_poll(1, deadline);
	}
	struct pbuf *p = c->rxq[c->rx_head % RXQ_LEN];
	u16_t left = (u16_t)(p->tot_len - c->rx_offset);
	u16_t n = (u16_t)(len < left ? len : left);
	pbuf_copy_partial(p, buf, n, c->rx_offset);
	c->rx_offset = (u16_t)(c->rx_offset + n);
	if (c->rx_offset == p->tot_len) {
		pbuf_free(p);
		c->rx_head++;
		c->rx_offset = 0;
	}
	if (c->pcb) {
		tcp_recved(c->pcb, n);   /* reopens the window; may send an update */
		lwnet_flush();
	}
	return n;
}

int wl_tcp_shutdown_write(struct wl_tcp *c)
{
	if (!c->pcb || tcp_shutdown(c->pcb, 0, 1) != ERR_OK)
		return failed(c, "shutdown");
	lwnet_flush();
	return 0;
}

void wl_tcp_close(struct wl_tcp *c)
{
	if (c->pcb) {
		tcp_arg(c->pcb, 0);
		tcp_recv(c->pcb, 0);
		tcp_err(c->pcb, 0);
		if (tcp_close(c->pcb) != ERR_OK)
			tcp_abort(c->pcb);
		lwnet_poll(0, 0);   /* the FIN (or RST) leaves now */
	}
	release(c);
}

void wl_net_get_stats(struct wl_net_stats *s)
{
	lwnet_get_stats(s);
}
