/*
 * One or several domains in one lwvmm process: set each up (vm.c), confine
 * the monitor (seccomp.c), start every domain's vCPU threads, then wait.
 *
 * The main thread only waits. It blocks SIGINT, SIGTERM and SIGUSR2 and
 * sleeps in sigtimedwait(); a vCPU that ends its domain sends it SIGUSR2. A
 * domain that ends (its workload's exit, a guest fault) is reaped alone: its
 * threads joined, its devices stopped, while the others go on. The timeout
 * and SIGINT/SIGTERM end every domain. The run's status is the first failing
 * domain's, in domain order; each failed domain is named on stderr.
 *
 * With one domain nothing differs from a monitor that knows no domains: no
 * console prefix, the same messages and statistics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consback.h"
#include "domains.h"
#include "memmap.h"
#include "numa_run.h"
#include "seccomp.h"

#define CONSOLE_TICK_NS 50000000ULL

/* Ends every domain not reaped yet (the timeout, a signal): see vm_abandon(). */
static void abandon_all(struct domains *d, int status, const char *message, const char *late)
{
	atomic_store(&d->abandoned, 1);
	for (int i = 0; i < d->n; i++) {
		if (!d->reaped[i])
			vm_abandon(&d->vm[i], status, message, late);
	}
}

/*
 * The main thread's watch: the deadline, and SIGINT/SIGTERM (or SIGUSR2,
 * a domain's end), waited for up to sleep_ns. Returns what sigtimedwait() did.
 */
static int watch_end(struct domains *d, uint64_t sleep_ns)
{
	if (d->deadline_ns) {
		uint64_t now = now_ns();
		if (now >= d->deadline_ns) {
			char message[80], late[80];
			snprintf(message, sizeof(message), "timeout: the guest ran for more than %g s", d->timeout_s);
			snprintf(late, sizeof(late), "timeout after %g s", d->timeout_s);
			abandon_all(d, LWVMM_EXIT_TIMEOUT, message, late);
			return 0;
		}
		if (d->deadline_ns - now < sleep_ns)
			sleep_ns = d->deadline_ns - now;
	}
	struct timespec ts = { .tv_sec = (time_t)(sleep_ns / 1000000000ULL),
			       .tv_nsec = (long)(sleep_ns % 1000000000ULL) };
	int sig = sigtimedwait(&d->end_signals, NULL, &ts);
	if (sig == SIGINT || sig == SIGTERM) {
		char message[80];
		snprintf(message, sizeof(message), "interrupted by %s", strsignal(sig));
		abandon_all(d, LWVMM_EXIT_INTERRUPTED, message, message);
	}
	return sig;
}

/* Asked by a console write that waits for a blocked stdout (consback.c). */
static int console_give_up(void *ctx)
{
	struct domains *d = ctx;

	if (pthread_equal(pthread_self(), d->main_thread))
		watch_end(d, 0);   /* the main thread in a write watches the end itself */
	return atomic_load(&d->abandoned);
}

/* Joins a vCPU thread, still watching the end: it may wait on a blocked stdout. */
static void join_watching(struct domains *d, pthread_t thread)
{
	for (;;) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)CONSOLE_TICK_NS;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(thread, NULL, &ts) != ETIMEDOUT)
			return;
		watch_end(d, 0);
	}
}

/* Domain i has ended: its vCPU threads are joined and its devices stopped. */
static void reap(struct domains *d, int i)
{
	struct vm *vm = &d->vm[i];

	for (int c = 0; c < vm->ncpus; c++) {
		if (vm->vcpus[c].thread_started)
			join_watching(d, vm->vcpus[c].thread);
	}
	if (i == 0)
		numa_run_stop();   /* the policy thread, if any, samples domain 0's vCPUs */
	devices_stop(vm);   /* the console's last output, then the disks' requests in flight */
	d->reaped[i] = 1;
}

/* Sleeps until every domain has ended, reaping each as it ends. */
static void wait_for_all(struct domains *d)
{
	int left = d->n;

	d->deadline_ns = d->timeout_s > 0 ? now_ns() + (uint64_t)(d->timeout_s * 1e9) : 0;
	while (left > 0) {
		/* Wake every 50 ms to pass on console output the guests have not kicked for. */
		if (watch_end(d, CONSOLE_TICK_NS) < 0) {
			for (int i = 0; i < d->n; i++) {
				if (!atomic_load(&d->vm[i].stopping))
					devices_tick(&d->vm[i]);
			}
		}
		for (int i = 0; i < d->n; i++) {
			if (!d->reaped[i] && atomic_load(&d->vm[i].stopping)) {
				reap(d, i);
				left--;
			}
		}
	}
}

/* "lwvmm: MESSAGE", or "lwvmm: NAME: MESSAGE" when there are several domains. */
static void say(const struct domains *d, int i, const char *message)
{
	if (d->n == 1)
		fprintf(stderr, "lwvmm: %s\n", message);
	else
		fprintf(stderr, "lwvmm: %s: %s\n", d->vm[i].config->name, message);
}

/*
 * How each domain ended, on stderr; returns the run's status: the first
 * failing domain's, in domain order.
 */
static int tell_ends(const struct domains *d)
{
	int status = 0;

	for (int i = 0; i < d->n; i++) {
		const struct vm *vm = &d->vm[i];
		char line[400];

		if (d->n > 1 && vm->exit_status != 0) {
			snprintf(line, sizeof(line), "domain failed with status %d: %s", vm->exit_status,
				 vm->end_message[0] ? vm->end_message : "its workload's own exit status");
			say(d, i, line);
		} else if (vm->end_message[0]) {
			say(d, i, vm->end_message);
		}
		if (status == 0)
			status = vm->exit_status;
	}
	return status;
}

/* Set-up failed at domain i (or at the confinement, i == -1): say why, close everything. */
static int setup_failed(struct domains *d, int i, char *why, size_t why_len, int status)
{
	int err = errno;

	if (errno_is_resource(err)) {   /* not "no usable KVM" nor a usage error */
		status = LWVMM_EXIT_RESOURCES;
		size_t used = strlen(why);
		snprintf(why + used, why_len - used, " (%s)", resource_cause(err));
	}
	if (i < 0 || d->n == 1)
		fprintf(stderr, "lwvmm: %s\n", why);
	else
		fprintf(stderr, "lwvmm: %s: %s\n", d->vm[i].config->name, why);
	for (int k = 0; k < d->n; k++) {
		devices_stop(&d->vm[k]);   /* closes the disks and taps opened before the failure */
		vm_teardown(&d->vm[k]);
	}
	return status;
}

static void start_vcpus(struct vm *vm)
{
	for (int i = 0; i < vm->ncpus; i++) {
		if (pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]) != 0) {
			vm_end(vm, LWVMM_EXIT_RESOURCES, "cannot start the thread of vCPU %d", i);
			break;
		}
		vm->vcpus[i].thread_started = 1;
	}
}

int domains_run(const struct vm_config *configs, int n)
{
	static struct domains d;   /* static: console_give_up() and the signals refer to it */
	struct memmap mm;
	char why[256] = "";
	int status;
	sigset_t blocked;

	d.t_main_ns = now_ns();
	d.n = n;
	d.timeout_s = configs[0].timeout_s;
	d.main_thread = pthread_self();
	d.vm = calloc((size_t)n, sizeof(*d.vm));
	d.reaped = calloc((size_t)n, sizeof(*d.reaped));
	if (!d.vm || !d.reaped) {
		fprintf(stderr, "lwvmm: cannot allocate %d domains (%s)\n", n, resource_cause(ENOMEM));
		return LWVMM_EXIT_RESOURCES;
	}
	for (int i = 0; i < n; i++)
		vm_init(&d.vm[i], &configs[i], d.t_main_ns);

	/*
	 * Block the signals the main thread waits for, and the vCPU kick, before
	 * any thread exists: every thread inherits the mask.
	 */
	sigemptyset(&d.end_signals);
	sigaddset(&d.end_signals, SIGINT);
	sigaddset(&d.end_signals, SIGTERM);
	sigaddset(&d.end_signals, SIGUSR2);
	blocked = d.end_signals;
	vcpu_kick_signal_init(&blocked);
	pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	consback_set_give_up(console_give_up, &d);
	/* A closed stdout (lwvmm ... | head) loses the guest's output, not the run and its statistics. */
	signal(SIGPIPE, SIG_IGN);

	if (seccomp_prepare(&configs[0], why, sizeof(why), &status) < 0)
		return setup_failed(&d, -1, why, sizeof(why), status);
	for (int i = 0; i < n; i++) {
		if (vm_setup(&d.vm[i], why, sizeof(why), &status) < 0)
			return setup_failed(&d, i, why, sizeof(why), status);
		d.vm[i].pv.confine_thread = seccomp_confine_backend;
	}
	/* The host frames behind guest RAM: readable only while lwvmm has its capabilities. */
	memmap_open(&mm, configs[0].print_stats || configs[0].stats_json_path);
	if (seccomp_start(why, sizeof(why), &status) < 0) {
		memmap_close(&mm);
		return setup_failed(&d, -1, why, sizeof(why), status);
	}
	for (int i = 0; i < n; i++)
		start_vcpus(&d.vm[i]);
	/* --numa-policy (one domain only: main.c refuses --numa with several) */
	if (numa_run_start(&d.vm[0]) < 0)
		vm_end(&d.vm[0], LWVMM_EXIT_RESOURCES, "cannot start the --numa-policy thread");
	seccomp_confine(SECCOMP_MAIN);
	wait_for_all(&d);
	status = tell_ends(&d);
	domains_report(&d, &mm, &status);
	memmap_close(&mm);
	for (int i = 0; i < n; i++)
		vm_teardown(&d.vm[i]);
	free(d.vm);
	free(d.reaped);
	return status;
}
