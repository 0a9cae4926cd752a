/* The x86 set-up of the built-in guest's vCPUs (x86.c). */
#ifndef LWVMM_X86_H
#define LWVMM_X86_H

#include <stddef.h>
#include <stdint.h>

/* Selectors of the GDT x86_write_gdt() writes. */
#define X86_USER_CS (0x18 | 3)
#define X86_USER_DS (0x20 | 3)
#define X86_TSS_SEL 0x28
#define X86_GDT_ENTRIES 7

/* The GDT and TSS descriptor, into the monitor's page-table area. */
void x86_write_gdt(uint8_t *pagetable_area);

/* CPUID, long mode at CPL3 with page-table root `cr3`, and XCR0. 0, or -1 and `why`. */
int x86_setup_vcpu(int kvm_fd, int vcpu_fd, uint64_t cr3, char *why, size_t why_len);

/* The CPUID KVM supports on this host (asked once), with this vCPU's APIC ID in the leaves that report it (Linux guests' vCPUs). */
int x86_set_cpuid_apic(int kvm_fd, int vcpu_fd, uint32_t apic_id, char *why, size_t why_len);

/* XCR0 with x87, SSE and AVX state, as far as the host allows (best effort). A Linux guest
 * sets XCR0 itself, but a nested hypervisor that lets its XSETBV through unseen (QEMU's TCG
 * SVM does) leaves KVM's copy at the reset value and CPUID's XSAVE size at 576 bytes: Linux
 * then warns "XSAVE consistency problem" at boot. Set here, KVM's copy and CPUID agree. */
void x86_setup_xcr0(int vcpu_fd);

/* Points a created vCPU at another page-table root (numa_run.c). 0, or -1 and `why`. */
int x86_set_cr3(int vcpu_fd, uint64_t cr3, char *why, size_t why_len);

#endif
