/*
 * The guest's console on a ring (consif.h): output is copied into slots and
 * published; the monitor picks it up every 50 ms or when the ring is half
 * full (then the push asks for a kick), so writing costs no exit at all in
 * the common case. Before the ring exists, output goes by hypercall.
 */
#include "attach.h"
#include "consfront.h"
#include "consif.h"
#include "evtchn.h"
#include "ring.h"
#include "platform.h"

#define CONS_RING_BYTES 16384

static struct ring_front cons;
static int cons_port = -1;

void consfront_init(void)
{
	if (lw_boot->ndevices < 1 || lw_boot->devices[0].type != LW_DEV_CONSOLE)
		return;
	struct ring_front *const rings[] = { &cons };
	cons_port = front_attach_rings(0, rings, 1, CONS_RING_BYTES, CONS_SLOT_SIZE);
}

/* Frees the slots the back end has answered. */
static void reap(void)
{
	while (ring_unconsumed_responses(&cons))
		ring_front_consume_response(&cons);
}

/* Called by all vCPUs' wl_printf; a simple lock keeps slots in order. */
static int lock;

void consfront_write(const char *p, uint32_t len)
{
	if (cons_port < 0) {
		hc_call3(HC_CONSOLE_WRITE, (uint64_t)p, len, 0);
		return;
	}
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	while (len > 0) {
		reap();
		if (ring_free_requests(&cons) == 0) {
			/* Full: make sure the back end was told, then wait for room. */
			evtchn_notify(cons_port);
			if (!ring_final_check_for_responses(&cons))
				evtchn_wait(1ULL << cons_port);
			continue;
		}
		struct cons_request *r = ring_next_request(&cons);
		uint32_t n = len < CONS_SLOT_BYTES ? len : CONS_SLOT_BYTES;
		__builtin_memcpy(r->data, p, n);
		r->len = n;
		ring_front_commit_request(&cons);
		p += n;
		len -= n;
	}
	if (ring_push_requests_and_check_notify(&cons))
		evtchn_notify(cons_port);
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}
