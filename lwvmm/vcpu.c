/*
 * One thread per vCPU: its KVM vCPU (long mode at CPL3 is set up by x86.c),
 * its entry registers, the exit loop and its dispatch, and HC_VCPU_PARK/WAKE.
 *
 * Every vCPU starts at the guest's entry point with rdi = boot information
 * GPA and rsi = its index.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "numa_place.h"
#include "numa_repl.h"
#include "pagetable.h"
#include "seccomp.h"
#include "vm.h"
#include "x86.h"

/* Called once the guest image is loaded: where the vCPU starts. */
int vcpu_set_entry(struct vcpu *vcpu, char *why, size_t why_len)
{
	struct vm *vm = vcpu->vm;
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = vm->entry_rip;
	/* Stacks grow down; 16-byte aligned minus a return address, as at a call. */
	regs.rsp = vm->stack_base + (uint64_t)(vcpu->index + 1) * LW_STACK_SIZE - 8;
	regs.rdi = LW_BOOTINFO_GPA;
	regs.rsi = (uint64_t)vcpu->index;
	regs.rflags = 0x2;   /* reserved bit; interrupts off */
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0) {
		snprintf(why, why_len, "KVM_SET_REGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void on_kick(int sig)
{
	(void)sig;
}

/*
 * The kick out of KVM_RUN is SIGUSR1. Its handler is installed once for the
 * process, before any thread exists, and every thread keeps SIGUSR1 blocked:
 * a kick that arrives before a vCPU thread ran, or while it is in the
 * monitor, stays pending instead of killing the process (its default action),
 * and ends the next KVM_RUN at once. Only KVM_RUN itself runs with SIGUSR1
 * open (KVM_SET_SIGNAL_MASK, vcpu_create), and returns EINTR for it.
 */
void vcpu_kick_signal_init(sigset_t *blocked)
{
	struct sigaction sa = { .sa_handler = on_kick };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaddset(blocked, SIGUSR1);
}

/*
 * KVM_RUN ends with EINTR for a kick but puts the thread's mask back before
 * the handler could run, so the kick stays pending and would end every later
 * KVM_RUN at once: take it off here (as QEMU does).
 */
static void eat_kick(void)
{
	const struct timespec now = { 0, 0 };
	sigset_t kick;
	int saved = errno;

	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR1);
	while (sigtimedwait(&kick, NULL, &now) == SIGUSR1)
		;
	errno = saved;
}

/* The signal mask while in KVM_RUN: the thread's own, with SIGUSR1 open. */
static int set_run_signal_mask(struct vcpu *vcpu, char *why, size_t why_len)
{
	struct kvm_signal_mask *km = calloc(1, sizeof(*km) + sizeof(sigset_t));
	sigset_t mask;
	int rc = 0;

	if (!km) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	pthread_sigmask(SIG_BLOCK, NULL, &mask);
	sigdelset(&mask, SIGUSR1);
	km->len = 8;   /* the kernel's sigset_t: 64 signals; glibc's begins with the same bits */
	memcpy(km->sigset, &mask, 8);
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, km) < 0) {
		snprintf(why, why_len, "KVM_SET_SIGNAL_MASK: %s", strerror(errno));
		rc = -1;
	}
	free(km);
	return rc;
}

int vcpu_create(struct vm *vm, int index, char *why, size_t why_len)
{
	struct vcpu *vcpu = &vm->vcpus[index];

	vcpu->vm = vm;
	vcpu->index = index;
	pthread_mutex_init(&vcpu->park_lock, NULL);
	pthread_cond_init(&vcpu->park_cond, NULL);
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
	if (vcpu->fd < 0) {
		snprintf(why, why_len, "KVM_CREATE_VCPU %d: %s", index, strerror(errno));
		return -1;
	}
	int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0) {
		snprintf(why, why_len, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	vcpu->run_size = (size_t)size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		snprintf(why, why_len, "mmap of kvm_run: %s", strerror(errno));
		return -1;
	}
	if (index == 0) {
		int khz = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);
		vm->tsc_khz = khz > 0 ? (uint64_t)khz : 0;
	}
	if (x86_setup_vcpu(vm->kvm_fd, vcpu->fd, pagetable_root(index), why, why_len) < 0)
		return -1;
	return set_run_signal_mask(vcpu, why, why_len);
}

/*
 * Interrupt KVM_RUN on another vCPU's thread, or its HC_VCPU_PARK. A vCPU
 * asleep in HC_EVTCHN_WAIT is woken by vm_end(), once for all of them.
 */
void vcpu_kick(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->park_lock);
	pthread_cond_broadcast(&vcpu->park_cond);
	pthread_mutex_unlock(&vcpu->park_lock);
	if (vcpu->run)
		vcpu->run->immediate_exit = 1;
	if (vcpu->thread_started)
		pthread_kill(vcpu->thread, SIGUSR1);
}

void vcpu_park(struct vcpu *vcpu)
{
	uint64_t t0 = now_ns();

	pthread_mutex_lock(&vcpu->park_lock);
	while (!vcpu->wake_pending && !atomic_load(&vcpu->vm->stopping))
		pthread_cond_wait(&vcpu->park_cond, &vcpu->park_lock);
	vcpu->wake_pending = 0;
	pthread_mutex_unlock(&vcpu->park_lock);
	vcpu->stats.parked_ns += now_ns() - t0;
}

void vcpu_wake(struct vcpu *target)
{
	pthread_mutex_lock(&target->park_lock);
	target->wake_pending = 1;
	pthread_cond_signal(&target->park_cond);
	pthread_mutex_unlock(&target->park_lock);
}

static void handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t addr = run->mmio.phys_addr;

	if (addr == LW_DOORBELL_GPA + DOORBELL_CALL && run->mmio.is_write && run->mmio.len == 8) {
		uint64_t block;
		memcpy(&block, run->mmio.data, 8);
		hypercall_handle(vcpu, block);
		return;
	}
	if (addr == LW_DOORBELL_GPA + DOORBELL_NOTIFY && run->mmio.is_write && run->mmio.len == 8) {
		if (evtchn_register_notify(&vcpu->vm->evtchn) < 0) {   /* later writes never exit */
			int err = errno;
			vm_device_failed(vcpu, err, "cannot register the notify doorbell with KVM_IOEVENTFD: %s",
					 strerror(err));
		}
		return;
	}
	/* --numa-policy replicate: a write into a replica or the master's read-only view */
	if (numa_repl_mmio(addr, run->mmio.data, run->mmio.len, run->mmio.is_write, vcpu->index))
		return;
	if (devices_handle_mmio(vcpu, addr, run->mmio.is_write, run->mmio.data, run->mmio.len) == 0)
		return;
	vm_fault(vcpu, "%s of %u bytes at guest-physical 0x%llx, which is neither RAM nor a doorbell",
		 run->mmio.is_write ? "write" : "read", run->mmio.len, (unsigned long long)addr);
}

static void handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		handle_mmio(vcpu);
		break;
	case KVM_EXIT_SHUTDOWN:
		vm_fault(vcpu, "triple fault: the guest took an exception (it has no handlers)");
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_fault(vcpu, "KVM internal error, suberror %u (emulation failure?)",
			 run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		vm_fault(vcpu, "VM entry failed, hardware reason 0x%llx",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_IO:
		vm_fault(vcpu, "port I/O to 0x%x, which the built-in guest never does", run->io.port);
		break;
	default:
		vm_fault(vcpu, "unexpected exit");
		break;
	}
}

void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;

	if (numa_place_pin_vcpu(vcpu) < 0)   /* --numa; before its filter, which has no sched_setaffinity */
		return NULL;
	seccomp_confine(SECCOMP_VCPU);

	if (vcpu->index == 0)
		vm->t_first_entry_ns = now_ns();
	while (!atomic_load(&vm->stopping)) {
		uint64_t t0 = now_ns();
		int ret = ioctl(vcpu->fd, KVM_RUN, 0);
		uint64_t t1 = now_ns();
		vcpu->stats.guest_ns += t1 - t0;
		if (ret < 0) {
			if (errno == EINTR)
				eat_kick();
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vm_fault(vcpu, "KVM_RUN failed: %s", strerror(errno));
			break;
		}
		unsigned reason = vcpu->run->exit_reason;
		unsigned slot = reason < STATS_MAX_REASON ? reason : STATS_MAX_REASON - 1;
		uint64_t parked_before = vcpu->stats.parked_ns;
		handle_exit(vcpu);
		/* Time asleep in HC_VCPU_PARK is idle, not monitor work. */
		uint64_t parked = vcpu->stats.parked_ns - parked_before;
		vcpu->stats.exits[slot]++;
		vcpu->stats.exit_ns[slot] += now_ns() - t1 - parked;
	}
	return NULL;
}
