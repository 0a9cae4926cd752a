/*
 * What a back end sees of its guest, and what the monitor sees of a back end.
 *
 * struct pv_guest: guest RAM (always through guest_memory.h's checks), a way
 * to raise an event channel towards the guest, and its context.
 *
 * struct backend_ops: one entry per device kind (console, block, net), which
 * the monitor's device table (lwvmm/devices.c) lists. The monitor owns the
 * life cycle: open at start-up, describe into the boot information, attach
 * when the front end hands over its ring, doorbell or MMIO accesses while
 * the guest runs, tick every 50 ms, stop at the end, then its statistics.
 */
#ifndef PV_BACKEND_H
#define PV_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "guest_memory.h"
#include "lwvmm_abi.h"

struct pv_guest {
	struct guest_memory *mem;
	void (*raise_event)(void *ctx, int port);
	void *ctx;
	void (*confine_thread)(void);   /* called first by a back end's own thread; may be NULL */
};

struct backend_ops {
	const char *kind;      /* "console", "block", "net": statistics and messages */
	uint32_t type;         /* LW_DEV_*, as the guest is told */
	size_t state_size;     /* bytes of the back end's state, zeroed before open */
	/*
	 * 1: a doorbell write exits and doorbell() serves it on the vCPU's thread
	 * (the console: cheap, rare kicks). 0: the doorbell is an ioeventfd
	 * (kick_fd) that wakes the back end's own thread, with no exit.
	 */
	int exit_doorbell;
	int (*open)(void *state, const char *spec, int port, char *why, size_t why_len);
	void (*describe)(const void *state, struct lw_device_desc *desc);
	/* The ring's place was checked and recorded (guest_memory_add_ring). */
	int (*attach)(void *state, struct pv_guest *g, uint64_t ring_gpa, uint64_t ring_bytes,
		      int port, int kick_fd, char *why, size_t why_len);
	void (*doorbell)(void *state);                 /* exit_doorbell devices */
	/* A trap-and-emulate register at `reg` of the device's MMIO window; NULL: none. */
	int (*mmio)(void *state, const struct guest_memory *mem, uint64_t reg, int is_write,
		    uint8_t *data, uint32_t len);
	void (*tick)(void *state);                     /* NULL: nothing periodic */
	void (*stop)(void *state);                     /* end of run: finish, close, free nothing */
	void (*print_stats)(FILE *out, const void *state, int index);
	void (*json_stats)(FILE *out, const void *state);
	void (*release)(void *state);                  /* after the statistics: frees; NULL: nothing */
	/* 1 when it maps files over guest RAM (blk_share.c), so the monitor must not discard
	 * guest pages behind its back (HC_MEM_RELEASE); NULL: never. */
	int (*maps_guest_ram)(const void *state);
};

/*
 * The one way a back end with its own thread stops: set `stop`, wake the
 * thread through its kick eventfd, join it. `what` names it in a message if
 * the wake-up cannot be written.
 */
void backend_thread_stop(atomic_int *stop, int kick_fd, pthread_t thread, const char *what);

#endif
