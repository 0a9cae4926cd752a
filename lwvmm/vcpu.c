/*
 * One thread per vCPU: set up 64-bit user mode, then the exit loop.
 *
 * Every vCPU starts at the guest's entry point in long mode at CPL3, with
 * rdi = boot information GPA and rsi = its index. The IDT is empty: any
 * exception in the guest becomes a triple fault (KVM_EXIT_SHUTDOWN), which
 * ends the run with a message. That is also what a PVM host does with
 * exceptions from user mode, so the guest behaves the same everywhere.
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
#include <cpuid.h>

#include "pagetable.h"
#include "vm.h"

#define CR0_PE 0x1ULL
#define CR0_MP 0x2ULL
#define CR0_ET 0x10ULL
#define CR0_NE 0x20ULL
#define CR0_WP 0x10000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE 0x20ULL
#define CR4_OSFXSR 0x200ULL
#define CR4_OSXMMEXCPT 0x400ULL
#define CR4_OSXSAVE 0x40000ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

static void set_user_segment(struct kvm_segment *s, uint16_t selector, int code)
{
	memset(s, 0, sizeof(*s));
	s->selector = selector;
	s->limit = 0xffffffff;
	s->type = code ? 0xb : 0x3;   /* execute/read or read/write, accessed */
	s->present = 1;
	s->dpl = 3;
	s->s = 1;
	s->l = code;
	s->db = !code;
	s->g = 1;
}

static int host_has_xsave(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return (c & bit_OSXSAVE) != 0;
}

static int setup_sregs(struct vcpu *vcpu, char *why, size_t why_len)
{
	struct kvm_sregs sregs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	set_user_segment(&sregs.cs, 0x18 | 3, 1);
	set_user_segment(&sregs.ds, 0x20 | 3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;

	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.selector = 0x28;
	sregs.tr.base = LW_PAGETABLE_GPA + PT_TSS_OFFSET;
	sregs.tr.limit = 0x67;
	sregs.tr.type = 0xb;   /* busy 64-bit TSS */
	sregs.tr.present = 1;
	sregs.ldt.unusable = 1;
	sregs.gdt.base = LW_PAGETABLE_GPA + PT_GDT_OFFSET;
	sregs.gdt.limit = 7 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;   /* no handlers: any exception is a triple fault */

	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	/* SSE/AVX at CPL3 need these on VMX/SVM (shared/HOST.md). */
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (host_has_xsave())
		sregs.cr4 |= CR4_OSXSAVE;
	sregs.cr3 = pagetable_root(vcpu->index);
	sregs.efer = EFER_LME | EFER_LMA;

	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_SET_SREGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* x87, SSE and AVX state enabled in XCR0, as far as the host allows. */
static void setup_xcr0(struct vcpu *vcpu)
{
	struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
	unsigned a, b, c, d;

	if (!host_has_xsave())
		return;
	__cpuid_count(0xd, 0, a, b, c, d);
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = a & 0x7;
	/* Best effort: PVM hosts apply the host's XCR0 whatever we ask. */
	(void)ioctl(vcpu->fd, KVM_SET_XCRS, &xcrs);
}

static int setup_cpuid(struct vcpu *vcpu, char *why, size_t why_len)
{
	int nent = 256;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + (size_t)nent * sizeof(cpuid->entries[0]));

	if (!cpuid) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	cpuid->nent = (uint32_t)nent;
	if (ioctl(vcpu->vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 ||
	    ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0) {
		snprintf(why, why_len, "setting the vCPU's CPUID: %s", strerror(errno));
		free(cpuid);
		return -1;
	}
	free(cpuid);
	return 0;
}

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
 * open (KVM_SET_SIGNAL_MASK, vcpu_create). No SA_RESTART, so KVM_RUN returns
 * EINTR.
 */
void vcpu_kick_signal_init(sigset_t *blocked)
{
	struct sigaction sa = { .sa_handler = on_kick };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaddset(blocked, SIGUSR1);
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
	if (setup_cpuid(vcpu, why, why_len) < 0 || setup_sregs(vcpu, why, why_len) < 0 ||
	    set_run_signal_mask(vcpu, why, why_len) < 0)
		return -1;
	setup_xcr0(vcpu);
	return 0;
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
		vm_register_notify_doorbell(vcpu);   /* later writes never exit */
		return;
	}
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

	if (vcpu->index == 0)
		vm->t_first_entry_ns = now_ns();
	while (!atomic_load(&vm->stopping)) {
		uint64_t t0 = now_ns();
		int ret = ioctl(vcpu->fd, KVM_RUN, 0);
		uint64_t t1 = now_ns();
		vcpu->stats.guest_ns += t1 - t0;
		if (ret < 0) {
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
