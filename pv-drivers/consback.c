#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "consback.h"
#include "consif.h"

/* The console writes to the monitor's standard output; it takes no options. */
static int consback_open(void *state, const char *spec, int port, char *why, size_t why_len)
{
	struct consback *c = state;

	(void)spec;
	(void)port;
	(void)why;
	(void)why_len;
	pthread_mutex_init(&c->lock, NULL);
	c->out_fd = STDOUT_FILENO;
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
 * Retries on EINTR: vCPU threads drain the console too, and their SIGUSR1
 * (the kick out of KVM_RUN) is installed without SA_RESTART.
 */
void consback_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;   /* stdout gone: the output is lost, not the run */
		p += n;
		len -= (size_t)n;
	}
}

static void consback_drain(struct consback *c)
{
	char out[8192];
	size_t used = 0;

	pthread_mutex_lock(&c->lock);
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
				consback_write_all(c->out_fd, out, used);
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
	consback_write_all(c->out_fd, out, used);
	if (ring_push_responses_and_check_notify(&c->ring))
		c->guest->raise_event(c->guest->ctx, c->port);
	pthread_mutex_unlock(&c->lock);
}

static void consback_drain_state(void *state)
{
	consback_drain(state);
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
	.stop = consback_drain_state,
	.print_stats = consback_print_stats,
	.json_stats = consback_json_stats,
};
