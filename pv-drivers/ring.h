/*
 * Xen-style shared I/O rings, used unchanged by the guest's front ends and
 * the monitor's back ends (Barham et al., SOSP 2003, section 3.2 and figure
 * 2; Xen's public io/ring.h describes the same discipline).
 *
 * A ring is a power-of-two number of fixed-size slots in memory shared by
 * both sides, after a small header of four free-running 32-bit indices:
 *
 *   req_prod   written by the front end: requests it has produced
 *   rsp_prod   written by the back end: responses it has produced
 *   req_event  written by the back end: "notify me when req_prod passes this"
 *   rsp_event  written by the front end: "notify me when rsp_prod passes this"
 *
 * Each side also keeps private indices: the front end its req_prod_pvt (requests
 * written but not yet pushed) and rsp_cons (responses consumed); the back end
 * its rsp_prod_pvt and req_cons. A response reuses the slot of a consumed
 * request, so the ring never holds more than nr_slots outstanding requests.
 *
 * Notification suppression: a side pushes a batch of entries, then signals
 * only if the other side's event index lies inside that batch, that is, only
 * if the other side asked to be told. A busy back end that keeps polling never
 * asks, so a stream of requests costs almost no notifications.
 *
 * The back end never trusts the shared indices: it reads req_prod once, and a
 * producer more than nr_slots ahead of the consumer marks the ring broken.
 * Slot indices are always masked, so no index can reach outside the ring.
 *
 * Everything here is freestanding C (the guest has no libc).
 */
#ifndef PV_RING_H
#define PV_RING_H

#include <stdint.h>

struct ring_shared {
	volatile uint32_t req_prod;
	volatile uint32_t req_event;
	volatile uint32_t rsp_prod;
	volatile uint32_t rsp_event;
	volatile uint32_t broken;   /* set by the back end: the front end misbehaved */
	uint8_t pad[44];            /* slots start on a cache line */
	uint8_t slots[];
};

#define RING_HEADER_BYTES 64

struct ring_front {
	struct ring_shared *sring;
	uint32_t nr_slots;
	uint32_t slot_size;
	uint32_t req_prod_pvt;
	uint32_t rsp_cons;
};

struct ring_back {
	struct ring_shared *sring;
	uint32_t nr_slots;
	uint32_t slot_size;
	uint32_t rsp_prod_pvt;
	uint32_t req_cons;
};

/* Barriers: x86 keeps stores and loads in order, but the compiler must not move them. */
static inline void ring_wmb(void) { __atomic_thread_fence(__ATOMIC_RELEASE); }
static inline void ring_rmb(void) { __atomic_thread_fence(__ATOMIC_ACQUIRE); }
static inline void ring_mb(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

/* Slots that fit in `bytes` of shared memory, rounded down to a power of two (0 if none). */
static inline uint32_t ring_slots_for(uint64_t bytes, uint32_t slot_size)
{
	uint32_t n = 1;

	if (bytes < RING_HEADER_BYTES + slot_size || slot_size == 0)
		return 0;
	while ((uint64_t)n * 2 * slot_size <= bytes - RING_HEADER_BYTES && n < (1u << 20))
		n *= 2;
	return n;
}

/* Done once by the front end, before it hands the ring to the back end. */
static inline void ring_shared_init(struct ring_shared *s)
{
	s->req_prod = 0;
	s->rsp_prod = 0;
	s->req_event = 1;
	s->rsp_event = 1;
	s->broken = 0;
}

static inline void *ring_slot(struct ring_shared *s, uint32_t nr_slots, uint32_t slot_size, uint32_t idx)
{
	return s->slots + (uint64_t)(idx & (nr_slots - 1)) * slot_size;
}

/* ---- front end ---- */

static inline void ring_front_init(struct ring_front *f, struct ring_shared *s,
				   uint32_t nr_slots, uint32_t slot_size)
{
	f->sring = s;
	f->nr_slots = nr_slots;
	f->slot_size = slot_size;
	f->req_prod_pvt = 0;
	f->rsp_cons = 0;
}

/* Slots free for new requests. */
static inline uint32_t ring_free_requests(const struct ring_front *f)
{
	return f->nr_slots - (f->req_prod_pvt - f->rsp_cons);
}

/* The slot for the next request; fill it, then ring_front_commit_request(). */
static inline void *ring_next_request(struct ring_front *f)
{
	return ring_slot(f->sring, f->nr_slots, f->slot_size, f->req_prod_pvt);
}

static inline void ring_front_commit_request(struct ring_front *f)
{
	f->req_prod_pvt++;
}

/*
 * Publishes the requests written so far; returns 1 if the back end must be
 * notified. With nothing new written it does nothing and returns 0, so a
 * caller need not check first.
 */
static inline int ring_push_requests_and_check_notify(struct ring_front *f)
{
	uint32_t old = f->sring->req_prod;
	uint32_t new = f->req_prod_pvt;

	if (new == old)
		return 0;
	ring_wmb();   /* requests before the index that publishes them */
	f->sring->req_prod = new;
	ring_mb();    /* the index before reading the back end's event */
	return (uint32_t)(new - f->sring->req_event) < (uint32_t)(new - old);
}

static inline uint32_t ring_unconsumed_responses(const struct ring_front *f)
{
	uint32_t n = f->sring->rsp_prod - f->rsp_cons;
	ring_rmb();   /* the index before the responses it covers */
	return n;
}

static inline void *ring_next_response(struct ring_front *f)
{
	return ring_slot(f->sring, f->nr_slots, f->slot_size, f->rsp_cons);
}

static inline void ring_front_consume_response(struct ring_front *f)
{
	f->rsp_cons++;
}

/* Asks to be notified when rsp_prod reaches rsp_cons + batch, then looks again (see below). */
static inline uint32_t ring_front_ask_and_look(struct ring_front *f, uint32_t batch)
{
	uint32_t n = ring_unconsumed_responses(f);

	if (n)
		return n;
	f->sring->rsp_event = f->rsp_cons + batch;
	ring_mb();
	return ring_unconsumed_responses(f);
}

/*
 * Before sleeping: ask to be notified of the next response, then look again,
 * so that a response pushed in between is never missed. Returns the number of
 * responses waiting.
 */
static inline uint32_t ring_final_check_for_responses(struct ring_front *f)
{
	return ring_front_ask_and_look(f, 1);
}

/*
 * The same, asking to be notified only once 1/`divisor` (at least one) of the
 * requests in flight have been answered: with many in flight, one wake-up
 * then serves a batch of completions instead of one. Only published requests
 * count: the back end cannot see those still queued behind req_prod_pvt, and
 * waiting for their responses would be waiting forever.
 */
static inline uint32_t ring_final_check_for_responses_fraction(struct ring_front *f, uint32_t divisor)
{
	uint32_t batch = (f->sring->req_prod - f->rsp_cons) / divisor;

	return ring_front_ask_and_look(f, batch ? batch : 1);
}

/* ---- back end ---- */

static inline void ring_back_init(struct ring_back *b, struct ring_shared *s,
				  uint32_t nr_slots, uint32_t slot_size)
{
	b->sring = s;
	b->nr_slots = nr_slots;
	b->slot_size = slot_size;
	b->rsp_prod_pvt = s->rsp_prod;
	b->req_cons = s->rsp_prod;
}

/*
 * Requests waiting to be consumed, or -1 when the front end has broken the
 * protocol: a producer more than the ring's size ahead of the consumer would
 * make the back end read requests it already answered.
 */
static inline int64_t ring_unconsumed_requests(const struct ring_back *b)
{
	uint32_t prod = b->sring->req_prod;   /* read once: the guest may change it */
	uint32_t waiting = prod - b->req_cons;
	uint32_t room = b->nr_slots - (b->req_cons - b->rsp_prod_pvt);

	ring_rmb();
	if (waiting > b->nr_slots)
		return -1;
	return waiting < room ? waiting : room;
}

static inline void *ring_next_request_slot(struct ring_back *b)
{
	return ring_slot(b->sring, b->nr_slots, b->slot_size, b->req_cons);
}

static inline void ring_back_consume_request(struct ring_back *b)
{
	b->req_cons++;
}

/* The slot for the next response; fill it, then ring_back_commit_response(). */
static inline void *ring_next_response_slot(struct ring_back *b)
{
	return ring_slot(b->sring, b->nr_slots, b->slot_size, b->rsp_prod_pvt);
}

static inline void ring_back_commit_response(struct ring_back *b)
{
	b->rsp_prod_pvt++;
}

/* The same for the back end's responses: 1 if the front end must be notified, 0 if nothing is new. */
static inline int ring_push_responses_and_check_notify(struct ring_back *b)
{
	uint32_t old = b->sring->rsp_prod;
	uint32_t new = b->rsp_prod_pvt;

	if (new == old)
		return 0;
	ring_wmb();
	b->sring->rsp_prod = new;
	ring_mb();
	return (uint32_t)(new - b->sring->rsp_event) < (uint32_t)(new - old);
}

/* Before sleeping: ask to be notified of the next request, then look again. */
static inline int64_t ring_final_check_for_requests(struct ring_back *b)
{
	int64_t n = ring_unconsumed_requests(b);

	if (n != 0)
		return n;
	b->sring->req_event = b->req_cons + 1;
	ring_mb();
	return ring_unconsumed_requests(b);
}

#endif
