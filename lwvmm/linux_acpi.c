/*
 * The ACPI tables a Linux guest reads to find its vCPUs and interrupt
 * controllers (ACPI 6.x):
 *
 *   RSDP -> XSDT -> FADT (hardware-reduced: no PM timer, no SCI, no GPEs) -> DSDT (COM1)
 *                -> MADT (one local APIC per vCPU, their LINT1 as NMI, KVM's IOAPIC at GSI 0)
 *
 * all in one page of the BIOS area (LINUX_ACPI_GPA), which the e820 map
 * reserves; linux_boot.c also gives the RSDP's address in the zero page.
 * Hardware-reduced means Linux wants no legacy PIC and no PIT from the
 * tables: its clock events are the local APICs' timers (TSC deadline, which
 * x86.c advertises), its interrupts all go through the IOAPIC, and no ISA
 * IRQ is wired to an IOAPIC pin unless a table says so: the DSDT describes
 * the serial port (PNP0501, ports 0x3f8-0x3ff, IRQ 4), or Linux's 8250 driver
 * finds no interrupt for it and /dev/console cannot be opened.
 * Pure: written into a buffer standing for guest RAM (tests/unit/test_linux_boot.c).
 */
#include <string.h>

#include "linux_acpi.h"

#define SDT_HEADER 36
#define FADT_SIZE 276
#define FADT_DSDT 40
#define FADT_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_MINOR 131
#define FADT_X_DSDT 140
#define FADT_HYPERVISOR_ID 268
#define FADT_HW_REDUCED (1u << 20)
#define BOOT_ARCH_NO_VGA (1u << 2)
#define MADT_PCAT_COMPAT 1u

/* Where each table goes in the page (the MADT last: it grows with the vCPUs). */
#define OFF_RSDP 0
#define OFF_XSDT 64
#define OFF_FADT 128
#define OFF_DSDT 448
#define OFF_MADT 640

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

/* A table's common header; finish() sets its checksum once the body is written. */
static void header(uint8_t *t, const char *sig, uint32_t length, uint8_t revision)
{
	memset(t, 0, length);
	memcpy(t, sig, 4);
	put32(t + 4, length);
	t[8] = revision;
	memcpy(t + 10, "LWVMM ", 6);       /* OEM ID */
	memcpy(t + 16, "LWVMMLNX", 8);     /* OEM table ID */
	put32(t + 24, 1);                  /* OEM revision */
	memcpy(t + 28, "LWVM", 4);         /* creator ID */
	put32(t + 32, 1);                  /* creator revision */
}

static void finish(uint8_t *t, uint32_t length)
{
	t[9] = checksum(t, length);
}

/*
 * The DSDT's AML: Scope (\_SB) { Device (COM1) { Name (_HID, EisaId ("PNP0501"))
 * Name (_UID, One) Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3F8, 0x3F8,
 * 0x00, 0x08) IRQNoFlags () {4} }) } }, as iasl would encode it.
 */
static const uint8_t dsdt_aml[] = {
	0x10, 0x33, '\\', '_', 'S', 'B', '_',                 /* ScopeOp, PkgLength 51, \_SB_ */
	0x5b, 0x82, 0x2b, 'C', 'O', 'M', '1',                 /* DeviceOp, PkgLength 43, COM1 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01, /* EisaId PNP0501 */
	0x08, '_', 'U', 'I', 'D', 0x01,                       /* One */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,     /* Buffer, PkgLength 16, 13 bytes */
	0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08,       /* IO: 0x3f8, 8 ports */
	0x22, 0x10, 0x00,                                     /* IRQ 4 */
	0x79, 0x00,                                           /* end tag */
};

static void write_madt(uint8_t *m, int ncpus)
{
	uint32_t length = 44 + 8 * (uint32_t)ncpus + 6 + 12;
	uint8_t *e = m + 44;

	header(m, "APIC", length, 5);
	put32(m + 36, LINUX_LAPIC_GPA);
	put32(m + 40, MADT_PCAT_COMPAT);   /* KVM's 8259s are there too (masked by Linux) */
	for (int i = 0; i < ncpus; i++, e += 8) {
		e[0] = 0;                  /* processor local APIC */
		e[1] = 8;
		e[2] = (uint8_t)i;         /* ACPI processor UID */
		e[3] = (uint8_t)i;         /* APIC ID: x86_set_cpuid_apic gives vCPU i APIC ID i */
		put32(e + 4, 1);           /* enabled */
	}
	e[0] = 4;                          /* local APIC NMI: every processor's LINT1 */
	e[1] = 6;
	e[2] = 0xff;
	put16(e + 3, 0);                   /* conforming polarity and trigger */
	e[5] = 1;
	e += 6;
	e[0] = 1;                          /* IOAPIC */
	e[1] = 12;
	e[2] = (uint8_t)ncpus;             /* its ID: the next after the vCPUs' */
	put32(e + 4, LINUX_IOAPIC_GPA);
	put32(e + 8, 0);                   /* GSI base: ISA IRQ n is pin n, as KVM routes them */
	finish(m, length);
}

uint64_t linux_acpi_write(uint8_t *ram, int ncpus)
{
	uint8_t *page = ram + LINUX_ACPI_GPA;
	uint64_t xsdt = LINUX_ACPI_GPA + OFF_XSDT, fadt = LINUX_ACPI_GPA + OFF_FADT;
	uint64_t dsdt = LINUX_ACPI_GPA + OFF_DSDT, madt = LINUX_ACPI_GPA + OFF_MADT;

	memset(page, 0, LINUX_ACPI_SIZE);
	write_madt(page + OFF_MADT, ncpus);

	uint32_t dsdt_len = SDT_HEADER + (uint32_t)sizeof(dsdt_aml);
	header(page + OFF_DSDT, "DSDT", dsdt_len, 2);
	memcpy(page + OFF_DSDT + SDT_HEADER, dsdt_aml, sizeof(dsdt_aml));
	finish(page + OFF_DSDT, dsdt_len);

	uint8_t *f = page + OFF_FADT;
	header(f, "FACP", FADT_SIZE, 6);
	put32(f + FADT_DSDT, (uint32_t)dsdt);
	put16(f + FADT_BOOT_ARCH, BOOT_ARCH_NO_VGA);
	put32(f + FADT_FLAGS, FADT_HW_REDUCED);
	f[FADT_MINOR] = 5;
	put64(f + FADT_X_DSDT, dsdt);
	memcpy(f + FADT_HYPERVISOR_ID, "LWVMM   ", 8);
	finish(f, FADT_SIZE);

	uint8_t *x = page + OFF_XSDT;
	uint32_t length = SDT_HEADER + 2 * 8;
	header(x, "XSDT", length, 1);
	put64(x + SDT_HEADER, fadt);
	put64(x + SDT_HEADER + 8, madt);
	finish(x, length);

	uint8_t *r = page + OFF_RSDP;
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "LWVMM ", 6);
	r[15] = 2;                         /* ACPI 2.0 and later: the XSDT */
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	r[8] = checksum(r, 20);
	r[32] = checksum(r, 36);
	return LINUX_ACPI_GPA + OFF_RSDP;
}
