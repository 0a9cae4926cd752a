/*
 * The life of one VM: create it, boot the built-in guest, run one thread per
 * vCPU, wait for the end (the guest's exit hypercall, a guest fault, the
 * timeout or a signal), then report and tear everything down.
 *
 * The main thread only waits. It blocks SIGINT, SIGTERM and SIGUSR2 and
 * sleeps in sigtimedwait(); a vCPU that ends the run sends it SIGUSR2.
 * SIGUSR1, the kick out of KVM_RUN, is blocked everywhere but in KVM_RUN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "consback.h"
#include "kvm_stats.h"
#include "numa_place.h"
#include "numa_run.h"
#include "seccomp.h"
#include "vm.h"

#define CONSOLE_TICK_NS 50000000ULL

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Ends the run with `status`; the first caller's status and message win. */
static void vm_end_va(struct vm *vm, int status, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&vm->end_lock);
	if (!atomic_load(&vm->stopping)) {
		vm->exit_status = status;
		if (fmt)
			vsnprintf(vm->end_message, sizeof(vm->end_message), fmt, ap);
		vm->t_end_ns = now_ns();
		atomic_store(&vm->stopping, 1);
	}
	pthread_mutex_unlock(&vm->end_lock);
	evtchn_wake_all(&vm->evtchn);   /* the vCPUs asleep in HC_EVTCHN_WAIT */
	for (int i = 0; i < vm->ncpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_kill(vm->main_thread, SIGUSR2);
}

void vm_end(struct vm *vm, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vm_end_va(vm, status, fmt, ap);
	va_end(ap);
}

/* A guest fault: the message names the vCPU, the guest RIP and the exit reason. */
void vm_fault(struct vcpu *vcpu, const char *fmt, ...)
{
	struct kvm_regs regs;
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		memset(&regs, 0, sizeof(regs));
	vm_end(vcpu->vm, LWVMM_EXIT_GUEST_FAULT,
	       "guest fault on vCPU %d at RIP 0x%llx (exit reason %s): %s",
	       vcpu->index, (unsigned long long)regs.rip,
	       exit_reason_name(vcpu->run ? vcpu->run->exit_reason : 0), what);
}

int errno_is_resource(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOSPC || err == EDQUOT ||
	       err == EAGAIN;
}

const char *resource_cause(int err)
{
	switch (err) {
	case EMFILE: return "EMFILE: lwvmm has no file descriptor left; raise ulimit -n";
	case ENFILE: return "ENFILE: the system's file table is full";
	case ENOMEM: return "ENOMEM: the host is out of memory";
	case ENOSPC: return "ENOSPC: no space left";
	case EDQUOT: return "EDQUOT: over the disk quota";
	case EAGAIN: return "EAGAIN: the host is out of a resource (threads, locked memory)";
	default: return strerror(err);
	}
}

/*
 * The host failed a device the guest asked for: with a resource errno (as
 * EMFILE from io_uring_queue_init or eventfd) the run ends with 71 and the
 * cause; otherwise the guest asked for something wrong, a guest fault.
 */
void vm_device_failed(struct vcpu *vcpu, int err, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (errno_is_resource(err))
		vm_end(vcpu->vm, LWVMM_EXIT_RESOURCES, "vCPU %d: %s (%s)", vcpu->index, what,
		       resource_cause(err));
	else
		vm_fault(vcpu, "%s", what);
}

/*
 * Devices first: a bad --disk or --net is the user's mistake, reported before
 * any KVM object exists. (Creating a VM only to destroy it unrun also hung
 * the lab's nested SVM under QEMU TCG now and then.)
 */
static int vm_setup(struct vm *vm, char *why, size_t why_len, int *status)
{
	const struct vm_config *c = vm->config;

	/*
	 * errno is cleared before each step, so that what a failed step leaves
	 * in it is its own cause (vm_run() reads it: host resources are 71).
	 */
	errno = 0;
	*status = LWVMM_EXIT_USAGE;
	if (devices_add(vm, "console", NULL, why, why_len) < 0)
		return -1;
	for (int i = 0; i < c->ndevices; i++) {
		if (devices_add(vm, c->devices[i].kind, c->devices[i].spec, why, why_len) < 0)
			return -1;
	}
	errno = 0;
	*status = LWVMM_EXIT_UNAVAILABLE;
	if (kvm_open(vm, why, why_len) < 0 || kvm_create_vm(vm, why, why_len) < 0)
		return -1;
	errno = 0;
	*status = LWVMM_EXIT_RESOURCES;
	if (guest_memory_create(&vm->mem, c->mem_size, LW_IMAGE_GPA, why, why_len) < 0 ||
	    numa_place_memory(&vm->mem, why, why_len) < 0 ||   /* before anything touches it */
	    guest_memory_register(&vm->mem, vm->vm_fd, why, why_len) < 0)
		return -1;
	evtchn_bind_vm(&vm->evtchn, vm->vm_fd, guest_ptr(&vm->mem, LW_EVTCHN_GPA, sizeof(struct lw_evtchn_page)));
	errno = 0;
	*status = LWVMM_EXIT_UNAVAILABLE;
	for (int i = 0; i < c->ncpus; i++) {
		if (vcpu_create(vm, i, why, why_len) < 0)
			return -1;
		vm->ncpus = i + 1;
	}
	errno = 0;
	*status = LWVMM_EXIT_USAGE;
	if (boot_builtin_guest(vm, why, why_len) < 0)
		return -1;
	devices_describe(vm);
	errno = 0;
	*status = LWVMM_EXIT_RESOURCES;
	if (numa_run_setup(vm, why, why_len) < 0)   /* --numa-policy: per-vCPU tables, before the entry */
		return -1;
	errno = 0;
	*status = LWVMM_EXIT_UNAVAILABLE;
	for (int i = 0; i < vm->ncpus; i++) {
		if (vcpu_set_entry(&vm->vcpus[i], why, why_len) < 0)
			return -1;
	}
	return 0;
}

static void vm_teardown(struct vm *vm)
{
	for (int i = 0; i < vm->ncpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (v->run)
			munmap(v->run, v->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	evtchn_destroy(&vm->evtchn);
	numa_run_destroy();
	guest_memory_destroy(&vm->mem);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
}

/*
 * Ended by the timeout or a signal: blocked console output is dropped from
 * now on (consback.c). If the guest had already exited and lwvmm was only
 * waiting to write its last output, the run ends with this status instead,
 * with `late` as the reason; a fault's status and message stay.
 */
static void vm_abandon(struct vm *vm, int status, const char *message, const char *late)
{
	int was_stopping;

	if (atomic_load(&vm->abandoned))
		return;
	pthread_mutex_lock(&vm->end_lock);
	was_stopping = atomic_load(&vm->stopping);
	if (was_stopping && !vm->end_message[0]) {
		snprintf(vm->end_message, sizeof(vm->end_message), "%s while the guest's output waited "
			 "for a stdout that took none (the guest had exited with %d)", late, vm->exit_status);
		vm->exit_status = status;
	}
	atomic_store(&vm->abandoned, 1);
	pthread_mutex_unlock(&vm->end_lock);
	if (!was_stopping)
		vm_end(vm, status, "%s", message);
}

/*
 * The main thread's watch: the deadline, and SIGINT/SIGTERM (or SIGUSR2,
 * a vCPU's end), waited for up to sleep_ns. Returns what sigtimedwait() did.
 */
static int watch_end(struct vm *vm, uint64_t sleep_ns)
{
	if (vm->deadline_ns) {
		uint64_t now = now_ns();
		if (now >= vm->deadline_ns) {
			char message[80], late[80];
			snprintf(message, sizeof(message), "timeout: the guest ran for more than %g s",
				 vm->config->timeout_s);
			snprintf(late, sizeof(late), "timeout after %g s", vm->config->timeout_s);
			vm_abandon(vm, LWVMM_EXIT_TIMEOUT, message, late);
			return 0;
		}
		if (vm->deadline_ns - now < sleep_ns)
			sleep_ns = vm->deadline_ns - now;
	}
	struct timespec ts = { .tv_sec = (time_t)(sleep_ns / 1000000000ULL),
			       .tv_nsec = (long)(sleep_ns % 1000000000ULL) };
	int sig = sigtimedwait(&vm->end_signals, NULL, &ts);
	if (sig == SIGINT || sig == SIGTERM) {
		char message[80];
		snprintf(message, sizeof(message), "interrupted by %s", strsignal(sig));
		vm_abandon(vm, LWVMM_EXIT_INTERRUPTED, message, message);
	}
	return sig;
}

/* Asked by a console write that waits for a blocked stdout (consback.c). */
static int console_give_up(void *ctx)
{
	struct vm *vm = ctx;

	if (pthread_equal(pthread_self(), vm->main_thread))
		watch_end(vm, 0);   /* the main thread in a write watches the end itself */
	return atomic_load(&vm->abandoned);
}

/* Sleeps until a vCPU ends the run, a signal arrives or the timeout passes. */
static void wait_for_end(struct vm *vm)
{
	double timeout = vm->config->timeout_s;

	vm->deadline_ns = timeout > 0 ? now_ns() + (uint64_t)(timeout * 1e9) : 0;
	while (!atomic_load(&vm->stopping)) {
		/* Wake every 50 ms to pass on console output the guest has not kicked for. */
		if (watch_end(vm, CONSOLE_TICK_NS) < 0 && !atomic_load(&vm->stopping))
			devices_tick(vm);
	}
}

/* Joins a vCPU thread, still watching the end: it may wait on a blocked stdout. */
static void join_watching(struct vm *vm, pthread_t thread)
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
		watch_end(vm, 0);
	}
}

/* What stats_write_json() hands back to json_extra(). */
struct report_extra {
	struct vm *vm;
	const struct kvm_counters *kvm;
};

static void json_extra(FILE *f, void *ctx)
{
	const struct report_extra *x = ctx;

	devices_json_stats(f, x->vm);
	fputc(',', f);
	kvm_counters_json(f, x->kvm);
	fputc(',', f);
	seccomp_json_stats(f);
	fputc(',', f);
	numa_place_json_stats(f, &x->vm->mem);
	fputc(',', f);
	numa_run_json_stats(f);
}

/* --stats and --stats-json; without either, nothing is collected. */
static void report(struct vm *vm)
{
	const struct vm_config *c = vm->config;
	const char *spawn = getenv("LWVMM_SPAWN_NS");
	struct run_summary s = {
		.flavour = flavour_name(vm->flavour),
		.vcpus = vm->ncpus,
		.mem_bytes = c->mem_size,
		.exit_status = vm->exit_status,
		.wall_s = (vm->t_end_ns - vm->t_main_ns) / 1e9,
		.startup_ms = vm->t_first_entry_ns ? (vm->t_first_entry_ns - vm->t_main_ns) / 1e6 : -1,
		.spawn_to_guest_ms = -1,
	};
	struct kvm_counters kvm = { 0 };
	struct report_extra extra = { .vm = vm, .kvm = &kvm };
	struct rusage ru;

	if (!c->print_stats && !c->stats_json_path)
		return;
	if (spawn && vm->t_first_entry_ns)
		s.spawn_to_guest_ms = ((double)vm->t_first_entry_ns - strtod(spawn, NULL)) / 1e6;
	getrusage(RUSAGE_SELF, &ru);
	s.peak_rss_kib = (uint64_t)ru.ru_maxrss;
	s.guest_touched_kib = guest_memory_touched_kib(&vm->mem);
	for (int i = 0; i < vm->ncpus; i++) {
		stats_add(&s.total, &vm->vcpus[i].stats);
		kvm_counters_add_vcpu(&kvm, vm->vcpus[i].fd);
	}
	if (c->print_stats) {
		stats_print_text(stderr, &s);
		devices_print_stats(stderr, vm);
		kvm_counters_print(stderr, &kvm);
		seccomp_print_stats(stderr);
		numa_place_print_stats(stderr, &vm->mem);
		numa_run_print_stats(stderr);
	}
	if (c->stats_json_path && stats_write_json(c->stats_json_path, &s, json_extra, &extra) < 0) {
		fprintf(stderr, "lwvmm: cannot write --stats-json %s: %s\n", c->stats_json_path, strerror(errno));
		if (vm->exit_status == 0)   /* a run whose statistics are lost did not succeed */
			vm->exit_status = LWVMM_EXIT_RESOURCES;
	}
}

int vm_run(const struct vm_config *config)
{
	static struct vm vm;   /* static: large, and lives for the whole process */
	char why[256] = "";
	int status;
	sigset_t blocked;

	vm.t_main_ns = now_ns();
	vm.config = config;
	vm.kvm_fd = vm.vm_fd = vm.mem.fd = -1;
	for (int i = 0; i < LW_MAX_VCPUS; i++)
		vm.vcpus[i].fd = -1;
	pthread_mutex_init(&vm.end_lock, NULL);
	pthread_mutex_init(&vm.devices.attach_lock, NULL);
	evtchn_init(&vm.evtchn, &vm.stopping);
	vm.pv = (struct pv_guest){ .mem = &vm.mem, .raise_event = evtchn_raise, .ctx = &vm.evtchn };
	vm.main_thread = pthread_self();

	/*
	 * Block the signals the main thread waits for, and the vCPU kick, before
	 * any thread exists: every thread inherits the mask.
	 */
	sigemptyset(&vm.end_signals);
	sigaddset(&vm.end_signals, SIGINT);
	sigaddset(&vm.end_signals, SIGTERM);
	sigaddset(&vm.end_signals, SIGUSR2);
	blocked = vm.end_signals;
	vcpu_kick_signal_init(&blocked);
	pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	consback_set_give_up(console_give_up, &vm);
	/* A closed stdout (lwvmm ... | head) loses the guest's output, not the run and its statistics. */
	signal(SIGPIPE, SIG_IGN);

	if (seccomp_prepare(config, why, sizeof(why), &status) < 0 || vm_setup(&vm, why, sizeof(why), &status) < 0 ||
	    seccomp_start(&vm, why, sizeof(why), &status) < 0) {
		int err = errno;
		if (errno_is_resource(err)) {   /* not "no usable KVM" nor a usage error */
			status = LWVMM_EXIT_RESOURCES;
			size_t used = strlen(why);
			snprintf(why + used, sizeof(why) - used, " (%s)", resource_cause(err));
		}
		fprintf(stderr, "lwvmm: %s\n", why);
		devices_stop(&vm);   /* closes the disks and taps opened before the failure */
		vm_teardown(&vm);
		return status;
	}
	for (int i = 0; i < vm.ncpus; i++) {
		if (pthread_create(&vm.vcpus[i].thread, NULL, vcpu_thread, &vm.vcpus[i]) != 0) {
			vm_end(&vm, LWVMM_EXIT_RESOURCES, "cannot start the thread of vCPU %d", i);
			break;
		}
		vm.vcpus[i].thread_started = 1;
	}
	if (numa_run_start(&vm) < 0)
		vm_end(&vm, LWVMM_EXIT_RESOURCES, "cannot start the --numa-policy thread");
	seccomp_confine(SECCOMP_MAIN);
	wait_for_end(&vm);
	for (int i = 0; i < vm.ncpus; i++) {
		if (vm.vcpus[i].thread_started)
			join_watching(&vm, vm.vcpus[i].thread);
	}
	numa_run_stop();
	devices_stop(&vm);   /* the console's last output, then the disks' requests in flight */
	if (vm.end_message[0])
		fprintf(stderr, "lwvmm: %s\n", vm.end_message);
	report(&vm);
	vm_teardown(&vm);
	return vm.exit_status;
}
