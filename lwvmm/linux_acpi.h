/*
 * ACPI tables for a Linux guest with more than one vCPU (linux_acpi.c).
 * Debian's kernels are built without MP-table support (CONFIG_X86_MPPARSE),
 * so the MADT is how such a kernel finds its vCPUs' local APICs and the
 * IOAPIC.
 */
#ifndef LWVMM_LINUX_ACPI_H
#define LWVMM_LINUX_ACPI_H

#include <stdint.h>

#define LINUX_ACPI_GPA   0xe0000ULL   /* in the BIOS area Linux scans for the RSDP; e820-reserved */
#define LINUX_ACPI_SIZE  0x1000ULL    /* all the tables fit in this page for 64 vCPUs */
#define LINUX_IOAPIC_GPA 0xfec00000U  /* where KVM's in-kernel IOAPIC and LAPICs answer */
#define LINUX_LAPIC_GPA  0xfee00000U

/*
 * Writes RSDP, XSDT, FADT, DSDT and MADT for `ncpus` vCPUs (1 to
 * LW_MAX_VCPUS) at LINUX_ACPI_GPA in `ram` (guest RAM from 0, at least
 * 1 MiB); returns the RSDP's guest-physical address.
 */
uint64_t linux_acpi_write(uint8_t *ram, int ncpus);

#endif
