/*
 * net: TCP against a host-side peer (bench/netpeer, NET_* in net_proto.h).
 *   --mode stream: sends --mib MiB to the peer's sink; the peer answers the
 *                  byte count it received, which must be exact. Mbit/s.
 *   --mode rr:     --count round trips of --size bytes through the peer's
 *                  echo; every echo must match. Transactions/s and
 *                  round-trip percentiles.
 * Natively it uses the kernel's sockets (net_linux.c); in the built-in guest
 * lwIP over the network front end (lwvmm/guest/net/), whose ring counters
 * (frames per notification each way, notifications, exits) join the result.
 */
#include "io.h"
#include "net_proto.h"

struct net_params {
	int rr;
	const char *peer;     /* NULL: the default peer */
	int port;
	uint64_t bytes;       /* stream */
	long count;           /* rr */
	uint32_t size;        /* rr */
};

struct net_figures {
	double seconds;
	uint64_t sent, received;
	int ok;
};

static const char usage[] =
	"[--mode stream|rr] [--peer IPv4] [--port N] [--mib N] (stream)\n"
	"       [--count N] [--size BYTES] (rr) [--threads 1]";

/* A dotted quad: four numbers 0..255. */
static int is_ipv4(const char *s)
{
	for (int part = 0; part < 4; part++) {
		int v = 0, digits = 0;
		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			v = v * 10 + (*s - '0');
		if (!digits || digits > 3 || v > 255 || *s != (part < 3 ? '.' : '\0'))
			return 0;
		if (part < 3)
			s++;
	}
	return 1;
}

static int parse(int argc, char **argv, struct net_params *p)
{
	int i;

	p->rr = 0;
	p->peer = 0;
	p->port = NET_DEFAULT_PORT;
	p->bytes = 256ULL << 20;
	p->count = 10000;
	p->size = 64;
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : 0;
		long n = v ? wl_atol(v) : -1;
		if (!v)
			goto bad;
		if (wl_strcmp(k, "--mode") == 0 && (wl_strcmp(v, "stream") == 0 || wl_strcmp(v, "rr") == 0))
			p->rr = wl_strcmp(v, "rr") == 0;
		else if (wl_strcmp(k, "--peer") == 0 && is_ipv4(v))
			p->peer = v;
		else if (wl_strcmp(k, "--port") == 0 && n >= 1 && n <= 65535)
			p->port = (int)n;
		else if (wl_strcmp(k, "--mib") == 0 && n >= 1 && n <= (1L << 20))
			p->bytes = (uint64_t)n << 20;
		else if (wl_strcmp(k, "--count") == 0 && n >= 1 && n <= 100000000)
			p->count = n;
		else if (wl_strcmp(k, "--size") == 0 && n >= 1 && n <= (1 << 20))
			p->size = (uint32_t)n;
		else if (wl_strcmp(k, "--threads") == 0 && n == 1)
			;   /* one connection */
		else
			goto bad;
	}
	return 0;
bad:
	wl_eprintf("net: bad argument '%s'\nusage: net %s\n", argv[i < argc ? i : argc - 1], usage);
	return -1;
}

static int recv_exact(struct wl_tcp *c, uint8_t *buf, size_t len)
{
	while (len > 0) {
		long n = wl_tcp_recv(c, buf, len);
		if (n <= 0) {
			if (n == 0)
				wl_eprintf("net: the peer closed the connection early\n");
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Connects to the peer and names the service; NULL on failure (already closed). */
static struct wl_tcp *open_service(const struct net_params *p, const char *hello)
{
	struct wl_tcp *c = wl_tcp_connect(p->peer, p->port);

	if (c && wl_tcp_send(c, hello, NET_HELLO_LEN) < 0) {
		wl_tcp_close(c);
		return 0;
	}
	return c;
}

static int run_stream(const struct net_params *p, struct net_figures *f)
{
	const size_t chunk = 64 << 10;
	uint8_t *buf = wl_alloc(chunk), answer[8];

	if (!buf)
		return 3;
	for (size_t i = 0; i < chunk; i++)
		buf[i] = (uint8_t)(i * 7);
	struct wl_tcp *c = open_service(p, NET_HELLO_SINK);
	if (!c)
		return 3;
	uint64_t t0 = wl_time_ns();
	while (f->sent < p->bytes) {
		size_t n = p->bytes - f->sent < chunk ? (size_t)(p->bytes - f->sent) : chunk;
		if (wl_tcp_send(c, buf, n) < 0)
			goto fail;
		f->sent += n;
	}
	/* The byte count comes back once the peer has read everything. */
	if (wl_tcp_shutdown_write(c) < 0 || recv_exact(c, answer, sizeof(answer)) < 0)
		goto fail;
	f->seconds = (double)(wl_time_ns() - t0) / 1e9;
	for (int i = 0; i < 8; i++)
		f->received = f->received << 8 | answer[i];
	f->ok = f->received == f->sent;
	if (!f->ok)
		wl_eprintf("net: sent %llu bytes, the peer received %llu\n",
			  (unsigned long long)f->sent, (unsigned long long)f->received);
	wl_tcp_close(c);
	return 0;
fail:
	wl_tcp_close(c);
	return 3;
}

static int run_rr(const struct net_params *p, struct net_figures *f, struct lat_hist *hist)
{
	uint8_t *msg = wl_alloc(p->size), *echo = wl_alloc(p->size);
	long bad = 0;

	if (!msg || !echo)
		return 3;
	struct wl_tcp *c = open_service(p, NET_HELLO_ECHO);
	if (!c)
		return 3;
	uint64_t t0 = wl_time_ns();
	for (long i = 0; i < p->count; i++) {
		for (uint32_t b = 0; b < p->size; b++)   /* every message differs */
			msg[b] = (uint8_t)(i * 31 + b);
		uint64_t start = wl_time_ns();
		if (wl_tcp_send(c, msg, p->size) < 0 || recv_exact(c, echo, p->size) < 0)
			goto fail;
		lat_add(hist, wl_time_ns() - start);
		for (uint32_t b = 0; b < p->size; b++) {
			if (echo[b] != msg[b]) {
				bad++;
				break;
			}
		}
	}
	f->seconds = (double)(wl_time_ns() - t0) / 1e9;
	/* Every round trip completed: each sent and received --size bytes. */
	f->sent = f->received = (uint64_t)p->count * p->size;
	f->ok = bad == 0;
	if (bad)
		wl_eprintf("net: %ld echoes differ from what was sent\n", bad);
	if (wl_tcp_shutdown_write(c) < 0)
		goto fail;
	wl_tcp_close(c);
	return 0;
fail:
	wl_tcp_close(c);
	return 3;
}

static void report(const struct net_params *p, const struct net_figures *f,
		   const struct lat_hist *hist)
{
	struct wl_result r;
	struct wl_net_stats st;
	double mib = (double)(f->sent + f->received) / (1 << 20);

	wl_result_begin(&r, "net", f->ok);
	if (p->rr) {
		wl_result_num(&r, "score", f->seconds > 0 ? (double)p->count / f->seconds : 0);
		wl_result_str(&r, "score_unit", "trans/s");
		wl_result_num(&r, "rtt_mean_us", lat_mean(hist) / 1e3);
		wl_result_num(&r, "rtt_p50_us", lat_percentile(hist, 50) / 1e3);
		wl_result_num(&r, "rtt_p99_us", lat_percentile(hist, 99) / 1e3);
		wl_result_num(&r, "count", (double)p->count);
		wl_result_num(&r, "size", p->size);
	} else {
		wl_result_num(&r, "score", f->seconds > 0 ? (double)f->sent * 8 / f->seconds / 1e6 : 0);
		wl_result_str(&r, "score_unit", "Mbit/s");
		wl_result_num(&r, "bytes", (double)f->sent);
		wl_result_num(&r, "peer_bytes", (double)f->received);
	}
	wl_result_num(&r, "rr", p->rr);
	wl_result_num(&r, "time_s", f->seconds);
	wl_net_get_stats(&st);
	if (st.have_ring_stats) {
		/* Requests per notification each way: transmit frames per kick (front
		 * to back), received frames per wake-up from the monitor (back to front). */
		wl_result_num(&r, "tx_frames", (double)st.tx_frames);
		wl_result_num(&r, "rx_frames", (double)st.rx_frames);
		wl_result_num(&r, "kicks", (double)st.kicks);
		wl_result_num(&r, "sleeps", (double)st.sleeps);
		wl_result_num(&r, "tx_frames_per_kick", st.kicks ? (double)st.tx_frames / (double)st.kicks : 0);
		wl_result_num(&r, "rx_frames_per_wakeup", st.sleeps ? (double)st.rx_frames / (double)st.sleeps : 0);
		wl_result_num(&r, "notifications_per_s",
			      f->seconds > 0 ? (double)(st.kicks + st.sleeps) / f->seconds : 0);
		wl_result_num(&r, "exits_per_mib", mib > 0 ? (double)(st.kicks + 2 * st.sleeps) / mib : 0);
		wl_result_num(&r, "tx_stalls", (double)st.tx_stalls);
		wl_result_num(&r, "tx_in_place", (double)st.tx_in_place);
		wl_result_num(&r, "rx_dropped", (double)st.rx_dropped);
	}
	wl_result_end(&r);
}

static int net_main(int argc, char **argv)
{
	static struct lat_hist hist;
	struct net_params p;
	struct net_figures f = { 0 };

	if (parse(argc, argv, &p) < 0)
		return WL_USAGE;
	int status = p.rr ? run_rr(&p, &f, &hist) : run_stream(&p, &f);
	if (status)
		return status;
	report(&p, &f, &hist);
	return f.ok ? 0 : 1;
}

const struct workload wl_net = {
	.name = "net",
	.usage = "[--mode stream|rr] [--peer IPv4] [--port N] [--mib N] [--count N] [--size BYTES] "
		 "(against bench/netpeer: build/bin/netpeer)",
	.main = net_main,
};
