/*
 * Event channels, the monitor's side (the guest's is pv-drivers/front/evtchn.c).
 *
 * Front end to back end, a port's doorbell is a write to its slot in the
 * doorbell page: either registered with KVM_IOEVENTFD (the write only
 * signals an eventfd that the back end's thread sleeps on; no exit) or left
 * to exit, for devices served at once on the vCPU's thread (the console).
 * Back end to front end, evtchn_raise() sets the port's bit in the shared
 * pending word and wakes the vCPUs asleep in HC_EVTCHN_WAIT.
 * DOORBELL_NOTIFY, the no-reply doorbell, is an ioeventfd too, registered on
 * its first use. All of it is guarded by the channel's own lock.
 */
#ifndef LWVMM_EVTCHN_H
#define LWVMM_EVTCHN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "lwvmm_abi.h"

struct evtchn {
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* on CLOCK_MONOTONIC, for timed waits */
	struct lw_evtchn_page *page;    /* in guest RAM, shared with the guest */
	int vm_fd;
	int notify_fd;                  /* DOORBELL_NOTIFY's eventfd, -1 until first used */
	const atomic_int *stopping;     /* the VM is ending: waits return */
};

void evtchn_init(struct evtchn *e, const atomic_int *stopping);
/* The VM whose doorbells to bind, and the pending word's page, once both exist. */
void evtchn_bind_vm(struct evtchn *e, int vm_fd, struct lw_evtchn_page *page);
void evtchn_destroy(struct evtchn *e);

/* Guest-physical address of a port's doorbell, and back (-1: not a port doorbell). */
uint64_t evtchn_doorbell_gpa(int port);
int evtchn_doorbell_port(uint64_t gpa, int nports);

/* An eventfd that a guest write to the port's doorbell signals (KVM_IOEVENTFD), or -1 and errno. */
int evtchn_bind_doorbell(struct evtchn *e, int port);

/* Registers DOORBELL_NOTIFY on first use; -1 and errno when KVM refuses. */
int evtchn_register_notify(struct evtchn *e);

/* Back end to front end (the shape of pv_guest.raise_event; ctx is the struct evtchn). */
void evtchn_raise(void *ctx, int port);

/* Sleeps until a port in `mask` is pending, `timeout_ns` passes (0: no limit) or the VM stops. */
uint64_t evtchn_wait(struct evtchn *e, uint64_t mask, uint64_t timeout_ns);

/* Wakes every waiter, so that it sees the VM stopping. */
void evtchn_wake_all(struct evtchn *e);

#endif
