/* The guest side of event channels (see lwvmm_abi.h). */
#ifndef PV_FRONT_EVTCHN_H
#define PV_FRONT_EVTCHN_H

#include <stdint.h>

/* Front end to back end: one write to the port's doorbell (no exit for ioeventfd ports). */
void evtchn_notify(int port);

/*
 * Waits until one of the ports in `mask` is pending, clears and returns them.
 * Spins briefly first: a wait in the monitor costs an exit each way.
 */
uint64_t evtchn_wait(uint64_t mask);

/* The same, giving up after `timeout_ns` (0: never); returns 0 on timeout. */
uint64_t evtchn_wait_timeout(uint64_t mask, uint64_t timeout_ns);

/* The pending ports of `mask`, cleared, without waiting (0 if none). */
uint64_t evtchn_poll(uint64_t mask);

/* Waits that had to sleep in the monitor, on any port. */
extern uint64_t evtchn_sleeps;

#endif
