/*
 * The console back end: output written by the guest into a ring (consif.h)
 * goes to the monitor's standard output. It runs synchronously, under a lock,
 * whenever it is asked: on the front end's kick (an exit, which the front end
 * makes only when the ring is half full), every 50 ms from the monitor's main
 * thread, and once more when the VM ends, so no output is lost or held long.
 */
#ifndef PV_CONSBACK_H
#define PV_CONSBACK_H

#include <pthread.h>
#include <stdint.h>

#include "backend.h"
#include "ring.h"

#define CONS_PREFIX_MAX 40   /* "NAME: ", with its NUL */

struct consback {
	pthread_mutex_t lock;
	struct pv_guest *guest;
	struct ring_back ring;
	int port;
	int attached;
	int broken;
	int out_fd;
	uint64_t bytes, slots, kicks, drains;
	/*
	 * Several domains share one standard output: each line then starts with
	 * the domain's name ("d1: "), and a line is written whole, never mixed
	 * with another domain's. An unfinished line waits in `held` (under lock)
	 * for its end. No prefix (one domain): bytes go out as the guest wrote them.
	 */
	char prefix[CONS_PREFIX_MAX];
	size_t prefix_len;
	int mid_line;           /* the last piece written did not end its line */
	char held[512];
	size_t nheld;
};

/*
 * The guest's HC_CONSOLE_WRITE: the same output path as the ring (the
 * prefix, whole lines), under the console's lock.
 */
void consback_guest_write(struct consback *c, const void *buf, size_t len);

extern const struct backend_ops consback_ops;

/*
 * Writes all of buf to fd, also for the HC_CONSOLE_WRITE hypercall; gives up
 * silently if fd is gone, or while it does not take output if the monitor's
 * give_up() says so (consback.c).
 */
void consback_write_all(int fd, const void *buf, size_t len);

/* Set once, before any thread runs: asked by a write that waits for a blocked fd. */
void consback_set_give_up(int (*give_up)(void *ctx), void *ctx);

#endif
