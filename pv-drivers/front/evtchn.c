#include "evtchn.h"
#include "platform.h"

#define SPIN_BEFORE_SLEEP 4000

uint64_t evtchn_sleeps;

static struct lw_evtchn_page *page(void)
{
	return (struct lw_evtchn_page *)LW_EVTCHN_GPA;
}

void evtchn_notify(int port)
{
	volatile uint64_t *bell = (volatile uint64_t *)(lw_boot->doorbell_gpa + DOORBELL_EVTCHN + 8ULL * (uint64_t)port);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*bell = 1;
}

uint64_t evtchn_poll(uint64_t mask)
{
	uint64_t pending = __atomic_load_n(&page()->pending, __ATOMIC_ACQUIRE) & mask;
	if (pending)
		__atomic_fetch_and(&page()->pending, ~pending, __ATOMIC_SEQ_CST);
	return pending;
}

uint64_t evtchn_wait_timeout(uint64_t mask, uint64_t timeout_ns)
{
	for (int spins = 0;; spins++) {
		uint64_t pending = evtchn_poll(mask);
		if (pending)
			return pending;
		if (spins < SPIN_BEFORE_SLEEP) {
			__asm__ volatile("pause" ::: "memory");
			continue;
		}
		evtchn_sleeps++;
		if (hc_call3(HC_EVTCHN_WAIT, mask, timeout_ns, 0) == 0 && timeout_ns)
			return evtchn_poll(mask);   /* timed out, unless it fired just now */
		spins = 0;
	}
}

uint64_t evtchn_wait(uint64_t mask)
{
	return evtchn_wait_timeout(mask, 0);
}
