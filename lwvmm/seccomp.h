/*
 * Confinement of the monitor once set-up is done: capabilities dropped,
 * no_new_privs, and a seccomp filter per kind of thread that allows only the
 * system calls that kind needs (the lists are in seccomp.c). A forbidden call
 * ends lwvmm with one message naming the thread kind and the call, status 70.
 *
 * Order (filters are inherited by the threads created later, and stack: the
 * strictest wins):
 *   main thread, before vm_setup(): seccomp_prepare() builds the filters
 *   main thread, after every domain's vm_setup():  seccomp_start()  drops capabilities, sets
 *       no_new_privs, installs the base filter (all kinds together)
 *   main thread, vCPU threads started:  seccomp_confine(SECCOMP_MAIN)
 *   each vCPU thread at its start:      seccomp_confine(SECCOMP_VCPU)
 *   each back-end thread at its start:  pv_guest.confine_thread() =
 *       seccomp_confine_backend(), set in every domain by domains.c
 *   the --numa-policy thread at its start:  seccomp_confine(SECCOMP_POLICY)
 * The filters are per thread kind, not per domain: every domain's threads of
 * one kind get the same filter (the run-wide options decide the lists).
 * A Linux guest: seccomp_prepare_linux() first, then seccomp_start() after the
 * set-up installs its one filter, which every thread started later inherits.
 */
#ifndef LWVMM_SECCOMP_H
#define LWVMM_SECCOMP_H

#include <stddef.h>
#include <stdio.h>

struct vm;
struct vm_config;

enum seccomp_kind {
	SECCOMP_BASE,      /* a thread that has not installed its own filter yet */
	SECCOMP_MAIN,
	SECCOMP_VCPU,
	SECCOMP_BACKEND,   /* pv-drivers' block and net back-end threads */
	SECCOMP_POLICY,    /* the --numa-policy thread (numa_run.c) */
	SECCOMP_LINUX,     /* every thread of a Linux guest's monitor (linux_vm.c) */
	SECCOMP_KINDS
};

/*
 * In the main thread before the set-up: builds every filter (it needs a file
 * descriptor for a moment: better before the set-up takes them all). Returns
 * 0, or -1 with `why`, `*status` and errno set.
 */
int seccomp_prepare(const struct vm_config *c, char *why, size_t why_len, int *status);

/*
 * The same for a Linux guest (linux_vm.c): one filter, SECCOMP_LINUX, that
 * seccomp_start() installs in the main thread before the other vCPUs' threads
 * start, so that every thread runs under it.
 */
int seccomp_prepare_linux(int no_seccomp, int stats_json, char *why, size_t why_len, int *status);

/*
 * In the main thread once the devices and /dev/kvm are open, before any other
 * thread starts: drops the capabilities, sets no_new_privs and installs the
 * base filter (not with --no-seccomp). Returns 0, or -1 with `why` and
 * `*status` set.
 */
int seccomp_start(char *why, size_t why_len, int *status);

/* What every domain's back-end threads call first (struct pv_guest's confine_thread). */
void seccomp_confine_backend(void);

/* The calling thread adds the filter of its kind; nothing with --no-seccomp. */
void seccomp_confine(enum seccomp_kind kind);

/* "seccomp: ..." for --stats, and the "seccomp" member of --stats-json. */
void seccomp_print_stats(FILE *out);
void seccomp_json_stats(FILE *out);

#endif
