#include <string.h>

#include "pci.h"

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

void pci_bus_init(struct pci_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	put16(bus->bridge + 0x00, 0x1b36);      /* Red Hat's PCI IDs, as QEMU's host bridges */
	put16(bus->bridge + 0x02, 0x0008);
	bus->bridge[0x0a] = 0x00;               /* class 06.00: host bridge */
	bus->bridge[0x0b] = 0x06;
}

uint64_t pci_add_fn(struct pci_bus *bus, struct pci_fn *fn, uint32_t bar_size, uint8_t irq)
{
	if (bus->nfns >= PCI_MAX_FNS)
		return 0;
	struct pci_fn *f = &bus->fn[bus->nfns];
	*f = *fn;
	f->bar_size = bar_size;
	f->bar_gpa = PCI_BAR_BASE + (uint64_t)bus->nfns * 0x100000;   /* 1 MiB apart, aligned */
	f->sizing = 0;
	put16(f->cfg + 0x04, 0x0002);           /* memory space decoding on */
	put16(f->cfg + 0x06, 0x0010);           /* status: a capability list */
	f->cfg[0x0e] = 0x00;                    /* header type 0, one function */
	f->cfg[0x3c] = irq;
	f->cfg[0x3d] = 1;                       /* INTA# */
	bus->nfns++;
	return f->bar_gpa;
}

/* The configuration space of bus 0 slot `slot` function 0, or NULL: nothing there. */
static uint8_t *config_of(struct pci_bus *bus, struct pci_fn **fn)
{
	uint32_t a = bus->address;
	uint32_t busno = (a >> 16) & 0xff, slot = (a >> 11) & 0x1f, func = (a >> 8) & 7;

	*fn = NULL;
	if (!(a & 0x80000000u) || busno != 0 || func != 0)
		return NULL;
	if (slot == 0)
		return bus->bridge;
	if (slot > (uint32_t)bus->nfns)
		return NULL;
	*fn = &bus->fn[slot - 1];
	return (*fn)->cfg;
}

static void config_read(struct pci_fn *fn, const uint8_t *cfg, uint32_t reg, uint8_t *data, int size)
{
	for (int i = 0; i < size; i++) {
		uint32_t r = reg + (uint32_t)i;
		if (fn && r >= 0x10 && r < 0x14) {
			uint32_t bar = fn->sizing ? ~(fn->bar_size - 1) : (uint32_t)fn->bar_gpa;
			data[i] = (uint8_t)(bar >> (8 * (r - 0x10)));   /* 32-bit, memory, not prefetchable: low bits 0 */
		} else {
			data[i] = cfg[r];
		}
	}
}

/* What a driver may write: the command register, BAR 0's sizing, the interrupt line. */
static void config_write(struct pci_fn *fn, uint8_t *cfg, uint32_t reg, const uint8_t *data, int size)
{
	if (!fn)
		return;
	if (reg == 0x10 && size == 4) {
		uint32_t v;
		memcpy(&v, data, 4);
		fn->sizing = v == 0xffffffffu;
		return;
	}
	for (int i = 0; i < size; i++) {
		uint32_t r = reg + (uint32_t)i;
		if (r == 0x04 || r == 0x05 || r == 0x3c)
			cfg[r] = data[i];
	}
}

int pci_port_access(struct pci_bus *bus, uint16_t port, int is_out, uint8_t *data, int size)
{
	if (port == PCI_CONFIG_ADDRESS && size == 4) {
		if (is_out)
			memcpy(&bus->address, data, 4);
		else
			memcpy(data, &bus->address, 4);
		return 1;
	}
	if (port >= PCI_CONFIG_ADDRESS && port < PCI_CONFIG_ADDRESS + 4) {
		/* narrower accesses to the address register (Linux's probe writes 0xcfb): nothing */
		if (!is_out)
			memset(data, 0xff, (size_t)size);
		return 1;
	}
	if (port < PCI_CONFIG_DATA || port > PCI_CONFIG_DATA + 3)
		return 0;
	uint32_t reg = (bus->address & 0xfc) + (port - PCI_CONFIG_DATA);
	struct pci_fn *fn;
	uint8_t *cfg = config_of(bus, &fn);
	if (reg + (uint32_t)size > 256)
		size = (int)(256 - reg);
	if (!cfg) {
		if (!is_out)
			memset(data, 0xff, (size_t)size);
		return 1;
	}
	if (is_out)
		config_write(fn, cfg, reg, data, size);
	else
		config_read(fn, cfg, reg, data, size);
	return 1;
}

int pci_mmio_access(struct pci_bus *bus, uint64_t gpa, int is_write, uint8_t *data, uint32_t len)
{
	for (int i = 0; i < bus->nfns; i++) {
		struct pci_fn *f = &bus->fn[i];
		if (gpa >= f->bar_gpa && gpa - f->bar_gpa < f->bar_size) {
			f->bar_access(f->ctx, gpa - f->bar_gpa, is_write, data, len);
			return 1;
		}
	}
	return 0;
}
