/* What selftest_rings.c shares with selftest_net.c. */
#ifndef GUEST_SELFTEST_RINGS_H
#define GUEST_SELFTEST_RINGS_H

#include "ring.h"

/* Overruns `ring`'s producer index and waits until the back end marks it broken. */
void selftest_overrun(struct ring_front *ring, int port, const char *what);

#endif
