#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consback.h"
#include "consif.h"

/*
 * The console writes to the monitor's standard output. Its spec is the name
 * that starts each line (several domains), or NULL or "" for none.
 */
static int consback_open(void *state, const char *spec, int port, char *why, size_t why_len)
{
	struct consback *c = state;

	(void)port;
	pthread_mutex_init(&c->lock, NULL);
	c->out_fd = STDOUT_FILENO;
	if (spec && *spec) {
		if (strlen(spec) + 3 > sizeof(c->prefix)) {
			snprintf(why, why_len, "console prefix '%s' is longer than %zu bytes", spec,
				 sizeof(c->prefix) - 3);
			return -1;
		}
		c->prefix_len = (size_t)snprintf(c->prefix, sizeof(c->prefix), "%s: ", spec);
	}
	return 0;
}

static void consback_describe(const void *state, struct lw_device_desc *desc)
{
	(void)state;
	desc->type = LW_DEV_CONSOLE;
}

static int consback_attach(void *state, struct pv_guest *g, uint64_t ring_gpa, uint64_t ring_bytes,
			   int port, int kick_fd, char *why, size_t why_len)
{
	struct consback *c = state;
	struct ring_shared *s = guest_ptr(g->mem, ring_gpa, ring_bytes);
	uint32_t slots = ring_slots_for(ring_bytes, CONS_SLOT_SIZE);

	(void)kick_fd;   /* the console's doorbell exits: see consback_ops */
	if (!s || slots < 2) {
		snprintf(why, why_len, "console ring 0x%llx+%llu is not in guest RAM or too small",
			 (unsigned long long)ring_gpa, (unsigned long long)ring_bytes);
		errno = EINVAL;   /* the guest's mistake (devices.c) */
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	c->guest = g;
	c->port = port;
	ring_back_init(&c->ring, s, slots, CONS_SLOT_SIZE);
	/* Ask for a kick only when the ring is half full: output is batched. */
	s->req_event = c->ring.req_cons + slots / 2;
	c->attached = 1;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/*
 * Console output never blocks the monitor for good. Standard output may be a
 * pipe or FIFO that nobody reads: a plain write() would then sleep forever,
 * with the vCPU or the main thread in it, and neither --timeout nor SIGTERM
 * would end the run. So every write waits in poll() for at most a slice of
 * WAIT_SLICE_MS and asks the monitor between slices whether to give up (the
 * run is being abandoned: timeout, signal); the main thread's answer also
 * looks at the deadline and the signals it waits for. Writes go out in
 * pieces of at most PIPE_BUF, one writer at a time, so that a write after
 * POLLOUT on a pipe finds room and returns. Output is dropped only when the
 * monitor gives up; a slow reader only slows the guest.
 */
#define WAIT_SLICE_MS 50

static int (*give_up_fn)(void *ctx);
static void *give_up_ctx;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static int told_closed;   /* under write_lock */

void consback_set_give_up(int (*give_up)(void *ctx), void *ctx)
{
	give_up_fn = give_up;
	give_up_ctx = ctx;
}

static int giving_up(void)
{
	return give_up_fn && give_up_fn(give_up_ctx);
}

/* Takes `m`, asking between slices whether to give up. 0, or -1 without the lock. */
static int lock_or_give_up(pthread_mutex_t *m)
{
	for (;;) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += WAIT_SLICE_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		int r = pthread_mutex_timedlock(m, &ts);
		if (r == 0)
			return 0;
		if (r != ETIMEDOUT || giving_up())
			return -1;
	}
}

/* Waits until fd takes output: 1, or 0 to give up (the fd is gone, or the monitor said so). */
static int wait_writable(int fd)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int r = poll(&p, 1, giving_up() ? 0 : WAIT_SLICE_MS);
		if (r > 0)
			return (p.revents & POLLNVAL) ? 0 : 1;   /* POLLERR, POLLHUP: write() says */
		if (r < 0 && errno != EINTR)
			return 0;
		if (giving_up())
			return 0;
	}
}

void consback_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	if (len == 0 || lock_or_give_up(&write_lock) < 0)
		return;
	while (len > 0 && wait_writable(fd)) {
		ssize_t n = write(fd, p, len < PIPE_BUF ? len : PIPE_BUF);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0 && errno == EPIPE && !told_closed) {
			/* SIGPIPE is ignored (vm.c): nobody reads any more, the run goes on. */
			fprintf(stderr, "lwvmm: standard output was closed: the guest's further output is dropped\n");
			told_closed = 1;
		}
		if (n <= 0)
			break;   /* stdout gone: the output is lost, not the run */
		p += n;
		len -= (size_t)n;
	}
	pthread_mutex_unlock(&write_lock);
}

/* Room for a piece of a line after the prefix and what was held. */
#define LINE_OUT_BYTES 4096
#define PIECE_MAX (LINE_OUT_BYTES - CONS_PREFIX_MAX - sizeof(((struct consback *)0)->held))

/* The prefix (at a line's start), what was held, then p: one write. Under c->lock. */
static void emit_piece(struct consback *c, const char *p, size_t n, int ends_line)
{
	char out[LINE_OUT_BYTES];
	size_t used = 0;

	if (!c->mid_line) {
		memcpy(out, c->prefix, c->prefix_len);
		used = c->prefix_len;
	}
	memcpy(out + used, c->held, c->nheld);
	used += c->nheld;
	c->nheld = 0;
	memcpy(out + used, p, n);
	used += n;
	consback_write_all(c->out_fd, out, used);
	c->mid_line = !ends_line;
}

/* The guest's output, under c->lock: as it is, or in whole lines with the prefix. */
static void emit(struct consback *c, const char *buf, size_t len)
{
	if (!c->prefix_len) {
		consback_write_all(c->out_fd, buf, len);
		return;
	}
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t line = nl ? (size_t)(nl - buf) + 1 : len;

		if (line > PIECE_MAX) {   /* a very long line goes out in pieces, one prefix */
			emit_piece(c, buf, PIECE_MAX, 0);
			buf += PIECE_MAX;
			len -= PIECE_MAX;
			continue;
		}
		if (!nl) {
			if (c->nheld + line <= sizeof(c->held)) {
				memcpy(c->held + c->nheld, buf, line);
				c->nheld += line;
			} else {
				emit_piece(c, buf, line, 0);
			}
			return;
		}
		emit_piece(c, buf, line, 1);
		buf += line;
		len -= line;
	}
}

void consback_guest_write(struct consback *c, const void *buf, size_t len)
{
	if (!c->prefix_len) {   /* one domain: straight out, as it always was */
		consback_write_all(c->out_fd, buf, len);
		return;
	}
	if (lock_or_give_up(&c->lock) < 0)
		return;
	emit(c, buf, len);
	pthread_mutex_unlock(&c->lock);
}

static void consback_drain(struct consback *c)
{
	char out[8192];
	size_t used = 0;

	/* Another thread may hold the lock while it waits on a blocked stdout. */
	if (lock_or_give_up(&c->lock) < 0)
		return;
	if (!c->attached || c->broken) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->drains++;
	/* Bounded: a guest that never stops writing cannot hold the monitor here. */
	for (int round = 0; round < 8; round++) {
		int64_t n = ring_unconsumed_requests(&c->ring);
		if (n < 0) {
			c->broken = 1;
			c->ring.sring->broken = 1;
			fprintf(stderr, "lwvmm: console ring marked broken: producer ahead of consumer by more than the ring\n");
			break;
		}
		if (n == 0) {
			/* Ask for a kick only when the ring is half full: output is batched. */
			c->ring.sring->req_event = c->ring.req_cons + c->ring.nr_slots / 2;
			ring_mb();
			if (ring_unconsumed_requests(&c->ring) == 0)
				break;
			continue;
		}
		for (; n > 0; n--) {
			struct cons_request req;
			memcpy(&req, ring_next_request_slot(&c->ring), sizeof(req));
			ring_back_consume_request(&c->ring);
			uint32_t len = req.len < CONS_SLOT_BYTES ? req.len : CONS_SLOT_BYTES;
			if (used + len > sizeof(out)) {
				emit(c, out, used);
				used = 0;
			}
			memcpy(out + used, req.data, len);
			used += len;
			c->bytes += len;
			c->slots++;
			/* The response only frees the slot. */
			ring_back_commit_response(&c->ring);
		}
	}
	emit(c, out, used);
	if (ring_push_responses_and_check_notify(&c->ring))
		c->guest->raise_event(c->guest->ctx, c->port);
	pthread_mutex_unlock(&c->lock);
}

static void consback_drain_state(void *state)
{
	consback_drain(state);
}

/* The end: the last output, and a line the guest left unfinished. */
static void consback_stop(void *state)
{
	struct consback *c = state;

	consback_drain(c);
	if (c->nheld && lock_or_give_up(&c->lock) == 0) {
		emit_piece(c, "", 0, 0);
		pthread_mutex_unlock(&c->lock);
	}
}

static void consback_doorbell(void *state)
{
	struct consback *c = state;

	c->kicks++;
	consback_drain(c);
}

static void consback_print_stats(FILE *out, const void *state, int index)
{
	const struct consback *c = state;

	(void)index;
	if (!c->attached)
		return;
	fprintf(out, "  console: %llu bytes in %llu slots, %llu kicks, %llu drains\n",
		(unsigned long long)c->bytes, (unsigned long long)c->slots,
		(unsigned long long)c->kicks, (unsigned long long)c->drains);
}

static void consback_json_stats(FILE *out, const void *state)
{
	const struct consback *c = state;

	fprintf(out, "{\"type\":\"console\",\"bytes\":%llu,\"slots\":%llu,\"kicks\":%llu}",
		(unsigned long long)c->bytes, (unsigned long long)c->slots,
		(unsigned long long)c->kicks);
}

/*
 * Kicks exit: the front end kicks only when the ring is half full, and the
 * vCPU's thread drains it at once, so the console needs no thread of its own.
 * The main thread drains it every tick and once more at the end.
 */
const struct backend_ops consback_ops = {
	.kind = "console",
	.type = LW_DEV_CONSOLE,
	.state_size = sizeof(struct consback),
	.exit_doorbell = 1,
	.open = consback_open,
	.describe = consback_describe,
	.attach = consback_attach,
	.doorbell = consback_doorbell,
	.tick = consback_drain_state,
	.stop = consback_stop,
	.print_stats = consback_print_stats,
	.json_stats = consback_json_stats,
};
