/*
 * The Linux guest's PCI bus: configuration mechanism #1 (ports 0xcf8 and
 * 0xcfc-0xcff; Linux's pci_direct_probe finds it), a host bridge at 00:00.0
 * (its class is what Linux's sanity check looks for) and up to PCI_MAX_FNS
 * device functions at 00:01.0 and on, each with one 32-bit memory BAR at a
 * fixed address above RAM and INTx pin A on a fixed legacy interrupt line
 * (no ACPI, no MP table: Linux takes the line from the Interrupt Line
 * register). The BAR can be sized (all ones written, the size mask read)
 * but not moved: lwvmm's ioeventfds are at its address. Unit-tested.
 */
#ifndef LWVMM_PCI_H
#define LWVMM_PCI_H

#include <stdint.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_MAX_FNS 4
#define PCI_BAR_BASE 0xd0000000ULL   /* above LINUX_MAX_RAM (3 GiB), below the APICs */

struct pci_fn {
	uint8_t cfg[256];          /* filled by the device (IDs, class, capabilities) */
	uint32_t bar_size;         /* a power of 2 */
	uint64_t bar_gpa;
	int sizing;                /* BAR 0 was written all ones: it reads the size mask */
	void (*bar_access)(void *ctx, uint64_t off, int is_write, uint8_t *data, uint32_t len);
	void *ctx;
};

struct pci_bus {
	uint32_t address;          /* the last value written to 0xcf8 */
	uint8_t bridge[256];
	struct pci_fn fn[PCI_MAX_FNS];
	int nfns;
};

void pci_bus_init(struct pci_bus *bus);

/*
 * Adds function bus->nfns + 1 (its cfg already filled by the device) with a
 * BAR of `bar_size` bytes and interrupt line `irq`; returns the BAR's
 * guest-physical address, or 0 when the bus is full.
 */
uint64_t pci_add_fn(struct pci_bus *bus, struct pci_fn *fn, uint32_t bar_size, uint8_t irq);

/* Port I/O at 0xcf8-0xcff: 1 when the port is the bus's. */
int pci_port_access(struct pci_bus *bus, uint16_t port, int is_out, uint8_t *data, int size);

/* MMIO: 1 when `gpa` falls in a function's BAR (the access is the device's then). */
int pci_mmio_access(struct pci_bus *bus, uint64_t gpa, int is_write, uint8_t *data, uint32_t len);

#endif
