/*
 * The selftest workload's guest-only modes: implemented in the built-in guest
 * (lwvmm/guest/selftest_rings.c, selftest_net.c), stubs returning 2 natively
 * (wl_linux.c). Each returns the exit status.
 */
#ifndef WL_SELFTEST_H
#define WL_SELFTEST_H

int selftest_rings(const char *mode);
int selftest_net_arp(void);
int selftest_net_hostile(const char *mode);

#endif
