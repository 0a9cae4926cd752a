/*
 * The life of one VM (a domain): create it, boot the built-in guest, end it
 * (the guest's exit hypercall, a guest fault, the timeout or a signal) and
 * tear it down. Running the vCPU threads of one or several domains, waiting
 * for their end and the report are domains.c's.
 *
 * A domain's end wakes the main thread with SIGUSR2 (domains.c waits for it).
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

#include "numa_place.h"
#include "numa_run.h"
#include "vm.h"

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Ends this domain with `status`; the first caller's status and message win. */
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

/* Before anything else: nothing is open yet, the teardown closes what is. */
void vm_init(struct vm *vm, const struct vm_config *config, uint64_t t_main_ns)
{
	vm->t_main_ns = t_main_ns;
	vm->config = config;
	vm->kvm_fd = vm->vm_fd = vm->mem.fd = -1;
	for (int i = 0; i < LW_MAX_VCPUS; i++)
		vm->vcpus[i].fd = -1;
	pthread_mutex_init(&vm->end_lock, NULL);
	pthread_mutex_init(&vm->devices.attach_lock, NULL);
	evtchn_init(&vm->evtchn, &vm->stopping);
	vm->pv = (struct pv_guest){ .mem = &vm->mem, .raise_event = evtchn_raise, .ctx = &vm->evtchn };
	vm->main_thread = pthread_self();
}

/*
 * Devices first: a bad --disk or --net is the user's mistake, reported before
 * any KVM object exists. (Creating a VM only to destroy it unrun also hung
 * the lab's nested SVM under QEMU TCG now and then.)
 */
int vm_setup(struct vm *vm, char *why, size_t why_len, int *status)
{
	const struct vm_config *c = vm->config;

	/*
	 * errno is cleared before each step, so that what a failed step leaves
	 * in it is its own cause (vm_run() reads it: host resources are 71).
	 */
	errno = 0;
	*status = LWVMM_EXIT_USAGE;
	if (devices_add(vm, "console", c->console_prefix, why, why_len) < 0)
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
	if (guest_memory_create(&vm->mem, c->mem_size, LW_IMAGE_GPA, c->mem_backing, why, why_len) < 0 ||
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

void vm_teardown(struct vm *vm)
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
	devices_free(vm);
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
void vm_abandon(struct vm *vm, int status, const char *message, const char *late)
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

