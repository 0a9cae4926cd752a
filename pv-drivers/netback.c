#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "netback.h"

/* Ring passes per wake-up: a guest that never stops sending cannot starve the rest. */
#define MAX_BATCH 256

/*
 * Polling before sleeping, as KVM's halt polling: after a pass that sent
 * frames and took none in (a request went out, its answer is awaited), the
 * thread looks at the tap and the transmit ring for up to poll_ns before it
 * sleeps in poll(), so that an answer a little later costs no wake-up (on a
 * one-CPU cell the sleep and the wake-up are two context switches, each a
 * vCPU exit and entry on this host). The window doubles when polling caught
 * something or a sleep ended within POLL_MAX_NS, and halves when it caught
 * nothing, so a link with nothing to wait for soon stops polling. 128 us: a
 * 16 KiB round trip through the host's TCP took more than 64 us here
 * (docs/host-notes.md).
 */
#define POLL_START_NS 8000
#define POLL_MAX_NS 128000

/* A frame buffer named by the guest: 0 when it may be used, else LW_EINVAL. */
static int net_check_buffer(const struct guest_memory *mem, uint64_t gpa, uint32_t len,
			    uint32_t min_len)
{
	if (len < min_len || len > 1u << 17 || guest_io_check(mem, gpa, len, NULL, 0) < 0)
		return LW_EINVAL;
	return 0;
}

/* "N" with lo <= N <= hi and nothing after it (atoi took "24x" and overflowed on long digits). */
static int parse_number(const char *text, long lo, long hi, long *value)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < lo || v > hi)
		return -1;
	*value = v;
	return 0;
}

static int parse_spec(struct netback *n, const char *spec, char *why, size_t why_len)
{
	char buf[128];
	long prefix = 24, mtu = NET_DEFAULT_MTU;

	n->host_ip = htonl(0x0ac90001);    /* 10.201.0.1 */
	n->guest_ip = htonl(0x0ac90002);   /* 10.201.0.2 */
	n->offload = 1;
	if (strlen(spec) >= sizeof(buf) || strncmp(spec, "tap", 3) != 0 || (spec[3] && spec[3] != ',')) {
		snprintf(why, why_len, "--net '%.60s': give tap[,host=IP][,guest=IP][,prefix=N][,mtu=N]"
			 "[,offload=on|off], at most %zu characters", spec, sizeof(buf) - 1);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", spec[3] ? spec + 4 : "");
	for (char *opt = strtok(buf, ","); opt; opt = strtok(NULL, ",")) {
		struct in_addr a;
		if (strncmp(opt, "host=", 5) == 0 && inet_pton(AF_INET, opt + 5, &a) == 1) {
			n->host_ip = a.s_addr;
		} else if (strncmp(opt, "guest=", 6) == 0 && inet_pton(AF_INET, opt + 6, &a) == 1) {
			n->guest_ip = a.s_addr;
		} else if (strncmp(opt, "prefix=", 7) == 0 && parse_number(opt + 7, 8, 30, &prefix) == 0) {
			continue;
		} else if (strncmp(opt, "mtu=", 4) == 0 && parse_number(opt + 4, 576, NET_MAX_MTU, &mtu) == 0) {
			continue;
		} else if (strcmp(opt, "offload=on") == 0 || strcmp(opt, "offload=off") == 0) {
			n->offload = opt[9] == 'n';
		} else {
			snprintf(why, why_len, "--net: bad option '%.40s' in '%.60s' (host=IP, guest=IP, "
				 "prefix=8..30, mtu=576..%d, offload=on|off)", opt, spec, NET_MAX_MTU);
			return -1;
		}
	}
	n->mtu = (uint32_t)mtu;
	n->vnet_hdr = n->offload ? sizeof(struct virtio_net_hdr) : 0;
	n->netmask = htonl(~0u << (32 - prefix));
	uint32_t host = ntohl(n->host_ip), guest = ntohl(n->guest_ip), mask = ntohl(n->netmask);
	if ((host & mask) != (guest & mask) || host == guest) {
		snprintf(why, why_len, "--net '%s': host and guest need distinct addresses in one subnet", spec);
		return -1;
	}
	if ((host & ~mask) == 0 || (host & ~mask) == ~mask || (guest & ~mask) == 0 || (guest & ~mask) == ~mask) {
		snprintf(why, why_len, "--net '%s': the subnet's network and broadcast addresses are not "
			 "host addresses", spec);
		return -1;
	}
	return 0;
}

static int set_addr(int sock, const char *ifname, unsigned long request, uint32_t addr)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	return ioctl(sock, request, &ifr);
}

/* The host end: the tap's address and netmask, link up. */
static int configure_host_end(struct netback *n, char *why, size_t why_len)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	int rc = -1;

	if (sock < 0) {
		snprintf(why, why_len, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", n->ifname);
	ifr.ifr_mtu = (int)n->mtu;
	if (ioctl(sock, SIOCSIFMTU, &ifr) < 0) {
		snprintf(why, why_len, "--net: setting %s's MTU to %u: %s", n->ifname, n->mtu, strerror(errno));
		goto out;
	}
	if (set_addr(sock, n->ifname, SIOCSIFADDR, n->host_ip) < 0 ||
	    set_addr(sock, n->ifname, SIOCSIFNETMASK, n->netmask) < 0 ||
	    ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
		snprintf(why, why_len, "--net: configuring %s: %s", n->ifname, strerror(errno));
		goto out;
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
		snprintf(why, why_len, "--net: bringing %s up: %s", n->ifname, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(sock);
	return rc;
}

/* Parses "tap[,host=IP][,guest=IP][,prefix=N][,mtu=N][,offload=on|off]" and creates the tap device. */
static int netback_open(void *state, const char *spec, int index, char *why, size_t why_len)
{
	struct netback *n = state;
	struct ifreq ifr;

	n->tap_fd = n->kick_fd = -1;
	if (parse_spec(n, spec, why, why_len) < 0)
		return -1;
	n->tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (n->tap_fd < 0) {
		snprintf(why, why_len, "--net: /dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (n->offload ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, IFNAMSIZ, "lwvmm%%d");   /* the kernel picks the number */
	if (ioctl(n->tap_fd, TUNSETIFF, &ifr) < 0) {
		snprintf(why, why_len, "--net: creating a tap device: %s%s", strerror(errno),
			 errno == EPERM ? " (needs CAP_NET_ADMIN: run as root)" : "");
		return -1;
	}
	/* The host may hand us frames with their checksum left blank (no TSO: the MTU is large). */
	if (n->offload && ioctl(n->tap_fd, TUNSETOFFLOAD, (unsigned long)TUN_F_CSUM) < 0) {
		snprintf(why, why_len, "--net: checksum offload on the tap device: %s (try offload=off)",
			 strerror(errno));
		return -1;
	}
	snprintf(n->ifname, sizeof(n->ifname), "%s", ifr.ifr_name);
	/* A locally administered MAC: 52:54:00 (as QEMU), then the device index and our pid. */
	uint32_t tag = (uint32_t)getpid();
	uint8_t mac[6] = { 0x52, 0x54, (uint8_t)index, (uint8_t)(tag >> 16), (uint8_t)(tag >> 8), (uint8_t)tag };
	memcpy(n->mac, mac, 6);
	return configure_host_end(n, why, why_len);
}

static void respond(struct ring_back *r, uint64_t id, int status, uint32_t len, uint32_t flags)
{
	struct net_response rsp = { .id = id, .status = status, .len = len, .flags = flags };
	memcpy(ring_next_response_slot(r), &rsp, sizeof(rsp));
	ring_back_commit_response(r);
}

/* The ring the front end broke is the one marked, so that its own wait sees it. */
static void mark_broken(struct netback *n, struct ring_back *ring, const char *name)
{
	if (atomic_exchange(&n->broken, 1))
		return;
	ring->sring->broken = 1;
	fprintf(stderr, "lwvmm: network device %s marked broken: the %s producer ran more than "
		"the ring's size ahead of the consumer\n", n->ifname, name);
	n->guest->raise_event(n->guest->ctx, n->port);
}

/*
 * Where the blank checksum of an IPv4 TCP or UDP frame is (the virtio-net
 * header's csum_start and csum_offset); -1 for any other frame, which may not
 * claim NET_TXF_CSUM_BLANK. The guest may change the frame meanwhile: the
 * host kernel checks the two offsets against what it copied, so a liar hurts
 * only its own frame.
 */
static int blank_checksum_at(const uint8_t *f, uint32_t len, uint16_t *start, uint16_t *offset)
{
	if (len < NET_ETH_HEADER + 20 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4)
		return -1;
	uint32_t ihl = (uint32_t)(f[14] & 0xf) * 4;
	uint8_t proto = f[NET_ETH_HEADER + 9];
	uint32_t at = NET_ETH_HEADER + ihl;
	*offset = proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 0;
	if (ihl < 20 || !*offset || at + *offset + 2 > len)
		return -1;
	*start = (uint16_t)at;
	return 0;
}

/* One frame from guest memory to the tap, behind its virtio-net header when offload is on. */
static ssize_t write_frame(struct netback *n, const uint8_t *frame, uint32_t len, uint32_t flags)
{
	struct virtio_net_hdr h = { .flags = 0, .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	struct iovec iov[2] = { { &h, n->vnet_hdr }, { (void *)frame, len } };

	if (flags & NET_TXF_CSUM_BLANK) {
		uint16_t start, offset;
		if (!n->offload || blank_checksum_at(frame, len, &start, &offset) < 0) {
			errno = EINVAL;
			return -1;
		}
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = start;
		h.csum_offset = offset;
		n->stats.tx_csum_blank++;
	}
	if (!n->vnet_hdr)
		return write(n->tap_fd, frame, len);
	return writev(n->tap_fd, iov, 2);
}

/* Guest to host: write each frame to the tap straight from guest memory. */
static int transmit(struct netback *n)
{
	int done = 0;

	while (done < MAX_BATCH) {
		int64_t waiting = ring_unconsumed_requests(&n->tx);
		if (waiting < 0)
			mark_broken(n, &n->tx, "transmit");
		if (waiting <= 0)
			break;
		struct net_tx_request req;
		memcpy(&req, ring_next_request_slot(&n->tx), sizeof(req));   /* the guest may rewrite it */
		ring_back_consume_request(&n->tx);
		int status = net_check_buffer(n->guest->mem, req.buffer, req.len, 14);
		if (status == 0 && (req.len > n->mtu + NET_ETH_HEADER || (req.flags & ~NET_TXF_CSUM_BLANK)))
			status = LW_EINVAL;
		if (status == 0) {
			ssize_t w = write_frame(n, guest_io_ptr(n->guest->mem, req.buffer, req.len), req.len,
						req.flags);
			/* A full tap queue drops the frame, as a real link would; TCP resends. */
			if (w < 0 && errno == EINVAL)
				status = LW_EINVAL;
			else if (w < 0 && errno != EAGAIN && errno != ENOBUFS)
				status = LW_EIO;
		}
		if (status) {
			n->stats.errors++;
		} else {
			n->stats.tx_frames++;
			n->stats.tx_bytes += req.len;
		}
		respond(&n->tx, req.id, status, 0, 0);
		done++;
	}
	return done;
}

/*
 * One frame from the tap into a guest buffer, its virtio-net header (offload
 * on) turned into NET_RXF_* flags; the frame's length, or -1 with errno. A
 * segmentation request (never asked for: no TUN_F_TSO*) is an error: EIO.
 */
static ssize_t read_frame(struct netback *n, uint8_t *buffer, uint32_t size, uint32_t *flags)
{
	struct virtio_net_hdr h;
	struct iovec iov[2] = { { &h, n->vnet_hdr }, { buffer, size } };

	*flags = 0;
	if (!n->vnet_hdr)
		return read(n->tap_fd, buffer, size);
	ssize_t r = readv(n->tap_fd, iov, 2);
	if (r < 0)
		return -1;
	if ((size_t)r < n->vnet_hdr || h.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		errno = EIO;
		return -1;
	}
	if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		*flags |= NET_RXF_CSUM_BLANK;
		n->stats.rx_csum_blank++;
	}
	if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID)
		*flags |= NET_RXF_DATA_VALID;
	return r - (ssize_t)n->vnet_hdr;
}

/* Host to guest: fill the buffers the guest posted, straight from the tap. */
static int receive(struct netback *n)
{
	int done = 0;

	while (done < MAX_BATCH) {
		int64_t waiting = ring_unconsumed_requests(&n->rx);
		if (waiting < 0)
			mark_broken(n, &n->rx, "receive");
		if (waiting <= 0)
			break;
		struct net_rx_request req;
		memcpy(&req, ring_next_request_slot(&n->rx), sizeof(req));
		if (net_check_buffer(n->guest->mem, req.buffer, req.size, n->mtu + NET_ETH_HEADER) != 0) {
			ring_back_consume_request(&n->rx);
			respond(&n->rx, req.id, LW_EINVAL, 0, 0);
			n->stats.errors++;
			done++;
			continue;
		}
		uint32_t flags = 0;
		ssize_t r = read_frame(n, guest_io_ptr(n->guest->mem, req.buffer, req.size), req.size, &flags);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			break;   /* the buffer stays posted for the next frame */
		ring_back_consume_request(&n->rx);
		if (r < 0) {
			respond(&n->rx, req.id, LW_EIO, 0, 0);
			n->stats.errors++;
		} else {
			respond(&n->rx, req.id, 0, (uint32_t)r, flags);
			n->stats.rx_frames++;
			n->stats.rx_bytes += (uint64_t)r;
		}
		done++;
	}
	return done;
}

static void push(struct netback *n)
{
	int notify = ring_push_responses_and_check_notify(&n->tx);

	notify |= ring_push_responses_and_check_notify(&n->rx);
	if (notify) {
		n->stats.notifies++;
		n->guest->raise_event(n->guest->ctx, n->port);
	}
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void poll_window_grow(struct netback *n)
{
	n->poll_ns = n->poll_ns ? n->poll_ns * 2 : POLL_START_NS;
	if (n->poll_ns > POLL_MAX_NS)
		n->poll_ns = POLL_MAX_NS;
}

/* Up to poll_ns: 1 as soon as the guest queued a frame or (want_rx) the tap has one. */
static int poll_briefly(struct netback *n, int want_rx)
{
	uint64_t end = monotonic_ns() + n->poll_ns;
	struct pollfd tap = { .fd = n->tap_fd, .events = POLLIN };

	do {
		if (ring_unconsumed_requests(&n->tx) != 0 || atomic_load(&n->stop))
			return 1;
		if (want_rx && poll(&tap, 1, 0) > 0)
			return 1;
	} while (monotonic_ns() < end);
	return 0;
}

static void *netback_thread(void *arg)
{
	struct netback *n = arg;
	int awaiting = 0;   /* the last pass sent frames and took none in */

	if (n->guest->confine_thread)
		n->guest->confine_thread();
	while (!atomic_load(&n->stop)) {
		int sent = 0, got = 0;
		if (!atomic_load(&n->broken)) {
			sent = transmit(n);
			got = receive(n);
		}
		push(n);
		if (sent || got) {
			awaiting = sent && !got;
			continue;
		}
		/* Idle: ask for a kick on both rings, then look once more. */
		int64_t more_tx = ring_final_check_for_requests(&n->tx);
		int64_t more_rx = ring_final_check_for_requests(&n->rx);
		if ((more_tx != 0 || more_rx < 0) && !atomic_load(&n->broken))
			continue;   /* more to send, or a broken ring the next pass reports */
		if (awaiting && n->poll_ns) {
			awaiting = 0;
			if (poll_briefly(n, more_rx > 0)) {
				n->stats.poll_hits++;
				poll_window_grow(n);
				continue;
			}
			n->stats.poll_misses++;
			n->poll_ns = n->poll_ns / 2 >= POLL_START_NS / 2 ? n->poll_ns / 2 : 0;
		}
		awaiting = 0;
		uint64_t slept_from = monotonic_ns();
		struct pollfd fds[2] = {
			{ .fd = n->kick_fd, .events = POLLIN },
			/* Frames wait in the tap's queue until the guest posts buffers. */
			{ .fd = n->tap_fd, .events = more_rx > 0 ? POLLIN : 0 },
		};
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		n->stats.wakeups++;
		if (monotonic_ns() - slept_from < POLL_MAX_NS)
			poll_window_grow(n);   /* a short sleep: polling would have caught it */
		uint64_t kicks;
		if ((fds[0].revents & POLLIN) && read(n->kick_fd, &kicks, sizeof(kicks)) == sizeof(kicks))
			n->stats.kicks += kicks;
	}
	/* The VM is ending: frames it queued last (a TCP FIN, say) still go out. */
	if (!atomic_load(&n->broken))
		transmit(n);
	push(n);
	return NULL;
}

static int netback_attach(void *state, struct pv_guest *g, uint64_t ring_gpa, uint64_t ring_bytes,
			  int port, int kick_fd, char *why, size_t why_len)
{
	struct netback *n = state;
	uint32_t slots = ring_slots_for(NET_RING_BYTES, NET_SLOT_SIZE);
	uint8_t *area = guest_ptr(g->mem, ring_gpa, ring_bytes);

	/* errno on failure: EINVAL for the guest's mistake, else the host's cause (devices.c). */
	if (!area || ring_bytes != 2 * NET_RING_BYTES) {
		snprintf(why, why_len, "network rings 0x%llx+%llu: want %d bytes in guest RAM",
			 (unsigned long long)ring_gpa, (unsigned long long)ring_bytes, 2 * NET_RING_BYTES);
		errno = EINVAL;
		return -1;
	}
	n->guest = g;
	n->port = port;
	n->kick_fd = kick_fd;
	ring_back_init(&n->tx, (struct ring_shared *)area, slots, NET_SLOT_SIZE);
	ring_back_init(&n->rx, (struct ring_shared *)(area + NET_RING_BYTES), slots, NET_SLOT_SIZE);
	int r = pthread_create(&n->thread, NULL, netback_thread, n);
	if (r != 0) {
		snprintf(why, why_len, "cannot start the network back end thread: %s", strerror(r));
		errno = r;
		return -1;
	}
	n->attached = 1;
	return 0;
}

static void netback_close(void *state)
{
	struct netback *n = state;

	if (n->attached) {
		backend_thread_stop(&n->stop, n->kick_fd, n->thread, "network");
		n->attached = 0;
	}
	if (n->tap_fd >= 0)
		close(n->tap_fd);   /* the tap device disappears with its last descriptor */
	n->tap_fd = -1;
}

static void netback_describe(const void *state, struct lw_device_desc *desc)
{
	const struct netback *n = state;

	desc->type = LW_DEV_NET;
	memcpy(desc->mac, n->mac, 6);
	desc->mtu = (uint16_t)n->mtu;
	desc->flags = n->offload ? LW_DEV_NET_CSUM_OFFLOAD : 0;
	desc->ip = n->guest_ip;
	desc->netmask = n->netmask;
	desc->gateway = n->host_ip;
}

static void netback_print_stats(FILE *out, const void *state, int index)
{
	const struct netback *n = state;
	const struct netback_stats *s = &n->stats;

	fprintf(out, "  net %d (%s, MTU %u, checksum offload %s): %llu frames out, %llu in, %llu MiB out, "
		"%llu MiB in, %llu errors, %llu kicks in, %llu notifications out, %llu back-end wake-ups, "
		"%llu frames out and %llu in with checksums left blank, polling before sleeping caught "
		"work %llu times and missed %llu%s\n", index, n->ifname, n->mtu,
		n->offload ? "on" : "off",
		(unsigned long long)s->tx_frames, (unsigned long long)s->rx_frames,
		(unsigned long long)(s->tx_bytes >> 20), (unsigned long long)(s->rx_bytes >> 20),
		(unsigned long long)s->errors, (unsigned long long)s->kicks,
		(unsigned long long)s->notifies, (unsigned long long)s->wakeups,
		(unsigned long long)s->tx_csum_blank, (unsigned long long)s->rx_csum_blank,
		(unsigned long long)s->poll_hits, (unsigned long long)s->poll_misses,
		n->broken ? ", BROKEN" : "");
}

static void netback_json_stats(FILE *out, const void *state)
{
	const struct netback *n = state;
	const struct netback_stats *s = &n->stats;

	fprintf(out, "{\"type\":\"net\",\"tx_frames\":%llu,\"rx_frames\":%llu,"
		"\"tx_bytes\":%llu,\"rx_bytes\":%llu,\"errors\":%llu,\"kicks\":%llu,"
		"\"notifies\":%llu,\"wakeups\":%llu,\"mtu\":%u,\"offload\":%s,"
		"\"tx_csum_blank\":%llu,\"rx_csum_blank\":%llu,\"poll_hits\":%llu,\"poll_misses\":%llu,"
		"\"broken\":%s}",
		(unsigned long long)s->tx_frames, (unsigned long long)s->rx_frames,
		(unsigned long long)s->tx_bytes, (unsigned long long)s->rx_bytes,
		(unsigned long long)s->errors, (unsigned long long)s->kicks,
		(unsigned long long)s->notifies, (unsigned long long)s->wakeups, n->mtu,
		n->offload ? "true" : "false", (unsigned long long)s->tx_csum_blank,
		(unsigned long long)s->rx_csum_blank, (unsigned long long)s->poll_hits,
		(unsigned long long)s->poll_misses, n->broken ? "true" : "false");
}

const struct backend_ops netback_ops = {
	.kind = "net",
	.type = LW_DEV_NET,
	.state_size = sizeof(struct netback),
	.open = netback_open,
	.describe = netback_describe,
	.attach = netback_attach,
	.stop = netback_close,
	.print_stats = netback_print_stats,
	.json_stats = netback_json_stats,
};
