/*
 * The x86 set-up of the built-in guest, in one place: the GDT and TSS the
 * monitor writes into its own pages, the selectors, and each vCPU's special
 * registers (long mode, paging, CPL3 segments), XCR0 and CPUID.
 *
 * Every vCPU starts in long mode at CPL3. The IDT is empty: any exception in
 * the guest becomes a triple fault (KVM_EXIT_SHUTDOWN), which ends the run
 * with a message. That is also what a PVM host does with exceptions from user
 * mode, so the guest behaves the same everywhere.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <cpuid.h>
#include <linux/kvm.h>

#include "lwvmm_abi.h"
#include "pagetable.h"
#include "x86.h"

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

static int setup_sregs(int vcpu_fd, uint64_t cr3, char *why, size_t why_len)
{
	struct kvm_sregs sregs;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	set_user_segment(&sregs.cs, X86_USER_CS, 1);
	set_user_segment(&sregs.ds, X86_USER_DS, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;

	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.selector = X86_TSS_SEL;
	sregs.tr.base = LW_PAGETABLE_GPA + PT_TSS_OFFSET;
	sregs.tr.limit = 0x67;
	sregs.tr.type = 0xb;   /* busy 64-bit TSS */
	sregs.tr.present = 1;
	sregs.ldt.unusable = 1;
	sregs.gdt.base = LW_PAGETABLE_GPA + PT_GDT_OFFSET;
	sregs.gdt.limit = X86_GDT_ENTRIES * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;   /* no handlers: any exception is a triple fault */

	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	/* SSE/AVX at CPL3 need these on VMX/SVM (shared/HOST.md). */
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (host_has_xsave())
		sregs.cr4 |= CR4_OSXSAVE;
	sregs.cr3 = cr3;
	sregs.efer = EFER_LME | EFER_LMA;

	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_SET_SREGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* x87, SSE and AVX state enabled in XCR0, as far as the host allows. */
void x86_setup_xcr0(int vcpu_fd)
{
	struct kvm_xcrs xcrs = { .nr_xcrs = 1 };
	unsigned a, b, c, d;

	if (!host_has_xsave())
		return;
	__cpuid_count(0xd, 0, a, b, c, d);
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = a & 0x7;
	/* Best effort: PVM hosts apply the host's XCR0 whatever we ask. */
	(void)ioctl(vcpu_fd, KVM_SET_XCRS, &xcrs);
}

/*
 * KVM's supported CPUID list is the same for every vCPU of every domain and
 * costs about 0.4 ms to ask for (measured here): it is read once, by the main
 * thread during set-up, and kept for the process's life.
 */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	static struct kvm_cpuid2 *cpuid;
	int nent = 256;

	if (cpuid)
		return cpuid;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (size_t)nent * sizeof(c->entries[0]));
	if (!c)
		return NULL;
	c->nent = (uint32_t)nent;
	if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		int err = errno;
		free(c);
		errno = err;
		return NULL;
	}
	/* The hypervisor-present bit (leaf 1, ECX bit 31), which KVM leaves to the VMM: a
	 * Linux guest looks for KVM's own leaves (kvm-clock among them) only when it is set. */
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			c->entries[i].ecx |= 1u << 31;
	}
	cpuid = c;
	return cpuid;
}

static int set_cpuid(int kvm_fd, int vcpu_fd, char *why, size_t why_len)
{
	struct kvm_cpuid2 *cpuid = supported_cpuid(kvm_fd);

	if (!cpuid || ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
		snprintf(why, why_len, "setting the vCPU's CPUID: %s", errno ? strerror(errno) : "out of memory");
		return -1;
	}
	return 0;
}

int x86_set_cpuid_apic(int kvm_fd, int vcpu_fd, uint32_t apic_id, char *why, size_t why_len)
{
	struct kvm_cpuid2 *supported = supported_cpuid(kvm_fd);
	size_t size;
	struct kvm_cpuid2 *c;

	if (!supported) {
		snprintf(why, why_len, "KVM_GET_SUPPORTED_CPUID: %s", errno ? strerror(errno) : "out of memory");
		return -1;
	}
	size = sizeof(*c) + supported->nent * sizeof(c->entries[0]);
	c = malloc(size);
	if (!c) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	memcpy(c, supported, size);
	/* The TSC-deadline mode of the in-kernel LAPIC's timer, which KVM may leave out of its
	 * supported list (it is the VMM's to offer, KVM_CAP_TSC_DEADLINE_TIMER): a Linux guest
	 * with ACPI tables (hardware-reduced: no PIT as its clock) runs each vCPU's clock
	 * events on it and needs no calibration of the LAPIC timer against another clock. */
	int deadline = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	/* Each vCPU's APIC ID where CPUID tells it: leaf 1 EBX[31:24], leaves 0xb and 0x1f EDX. */
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffff) | apic_id << 24;
			if (deadline)
				e->ecx |= 1u << 24;
		}
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = apic_id;
	}
	int rc = ioctl(vcpu_fd, KVM_SET_CPUID2, c);
	if (rc < 0)
		snprintf(why, why_len, "setting vCPU %u's CPUID: %s", apic_id, strerror(errno));
	free(c);
	return rc < 0 ? -1 : 0;
}

/* A flat 64-bit GDT: the guest runs on the user segments (X86_USER_CS, X86_USER_DS). */
void x86_write_gdt(uint8_t *pagetable_area)
{
	uint64_t *gdt = (uint64_t *)(pagetable_area + PT_GDT_OFFSET);
	uint64_t tss = LW_PAGETABLE_GPA + PT_TSS_OFFSET;

	gdt[1] = 0x00af9a000000ffffULL; /* kernel code, 64-bit */
	gdt[2] = 0x00cf92000000ffffULL; /* kernel data */
	gdt[3] = 0x00affa000000ffffULL; /* user code, 64-bit, DPL 3: X86_USER_CS */
	gdt[4] = 0x00cff2000000ffffULL; /* user data, DPL 3: X86_USER_DS */
	/* 64-bit TSS descriptor (two slots, X86_TSS_SEL): limit 0x67, type 9, present. */
	gdt[5] = 0x67 | ((tss & 0xffffff) << 16) | (0x89ULL << 40) | (((tss >> 24) & 0xff) << 56);
	gdt[6] = tss >> 32;
}

int x86_setup_vcpu(int kvm_fd, int vcpu_fd, uint64_t cr3, char *why, size_t why_len)
{
	if (set_cpuid(kvm_fd, vcpu_fd, why, why_len) < 0 || setup_sregs(vcpu_fd, cr3, why, why_len) < 0)
		return -1;
	x86_setup_xcr0(vcpu_fd);
	return 0;
}

int x86_set_cr3(int vcpu_fd, uint64_t cr3, char *why, size_t why_len)
{
	struct kvm_sregs sregs;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	sregs.cr3 = cr3;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_SET_SREGS (the per-vCPU page-table root): %s", strerror(errno));
		return -1;
	}
	return 0;
}
