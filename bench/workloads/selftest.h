/*
 * The selftest workload's hostile front ends, in the built-in guest
 * (lwvmm/guest/selftest_rings.c, selftest_net.c); like the workload itself
 * they are linked into the guest only. Each returns the exit status.
 */
#ifndef WL_SELFTEST_H
#define WL_SELFTEST_H

int selftest_rings(const char *mode);
int selftest_net_arp(void);
int selftest_net_hostile(const char *mode);

#endif
