/*
 * Running domains: one lwvmm process hosts one or several VMs (Xen's
 * domains, Disco's virtual machines), each its own KVM VM with its own
 * vCPUs, RAM, devices and console (vm.c). domains.c starts them all, waits
 * for their ends, ends them all at the timeout or a signal, and reports.
 */
#ifndef LWVMM_DOMAINS_H
#define LWVMM_DOMAINS_H

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "vm.h"

struct domains {
	struct vm *vm;              /* n of them, calloc'ed: large and mostly untouched */
	int n;
	int *reaped;                /* domain i's threads joined and devices stopped */
	pthread_t main_thread;
	sigset_t end_signals;       /* what the main thread waits for: SIGINT, SIGTERM, SIGUSR2 */
	double timeout_s;           /* --timeout, 0: none */
	uint64_t deadline_ns;
	atomic_int abandoned;       /* the timeout or a signal: blocked console output is dropped */
	uint64_t t_main_ns;
};

/*
 * Runs the n domains of `configs` (n >= 1; one domain behaves exactly as
 * lwvmm always has) and returns the run's exit status: the first failing
 * domain's (in domain order), or 0.
 */
int domains_run(const struct vm_config *configs, int n);

/* domains_report.c: --stats and --stats-json, at the end of the run. */
struct memmap;
void domains_report(struct domains *d, struct memmap *mm, int *status);

#endif
