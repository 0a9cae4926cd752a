/*
 * The Linux guest's PCI bus (lwvmm/pci.c) as Linux's type 1 probe and scan
 * use it, with a virtio-pci function (pv-drivers/virtio_pci.c): the address
 * register reads back, the host bridge's class, absent slots, BAR sizing, the
 * virtio capability chain, and BAR accesses reaching the device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pci.h"
#include "virtio_pci.h"

static struct pci_bus bus;
static uint64_t last_off;
static int accesses;

static void bar(void *ctx, uint64_t off, int is_write, uint8_t *data, uint32_t len)
{
	(void)ctx; (void)is_write; (void)len;
	last_off = off;
	accesses++;
	data[0] = 0x5a;
}

static void out32(uint16_t port, uint32_t v) { pci_port_access(&bus, port, 1, (uint8_t *)&v, 4); }
static uint32_t in(uint16_t port, int size)
{
	uint32_t v = 0;
	assert_int_equal(pci_port_access(&bus, port, 0, (uint8_t *)&v, size), 1);
	return v;
}

static uint32_t cfg_read(int slot, int reg, int size)
{
	out32(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)slot << 11 | (uint32_t)(reg & 0xfc));
	return in((uint16_t)(PCI_CONFIG_DATA + (reg & 3)), size);
}

static uint64_t features(void *dev) { (void)dev; return 0; }
static const struct virtio_pci_kind kind = { .type = 2, .class_code = 0x018000, .nqueues = 1,
	.features = features };

static void test_bus(void **state)
{
	(void)state;
	struct virtio_pci vp;
	struct pci_fn fn = { .bar_access = bar };

	pci_bus_init(&bus);
	virtio_pci_init(&vp, &kind, NULL, "test", -1);
	virtio_pci_config_space(&vp, fn.cfg);
	uint64_t gpa = pci_add_fn(&bus, &fn, VIRTIO_PCI_BAR_SIZE, 10);
	assert_int_equal(gpa, PCI_BAR_BASE);

	out32(PCI_CONFIG_ADDRESS, 0x80000000u);                 /* pci_direct_probe */
	assert_int_equal(in(PCI_CONFIG_ADDRESS, 4), 0x80000000u);
	assert_int_equal(cfg_read(0, 0x0a, 2), 0x0600);          /* host bridge */
	assert_int_equal(cfg_read(1, 0x00, 4), 0x10421af4u);     /* virtio-blk, modern */
	assert_int_equal(cfg_read(1, 0x08, 1), 1);               /* revision 1 */
	assert_int_equal(cfg_read(1, 0x3c, 1), 10);
	assert_int_equal(cfg_read(1, 0x3d, 1), 1);
	assert_int_equal(cfg_read(2, 0x00, 4), 0xffffffffu);     /* nothing in slot 2 */
	out32(PCI_CONFIG_ADDRESS, 0x80000000u | 1 << 11 | 1 << 8);
	assert_int_equal(in(PCI_CONFIG_DATA, 2), 0xffff);        /* nor in function 1 */

	assert_int_equal(cfg_read(1, 0x10, 4), (uint32_t)PCI_BAR_BASE);
	out32(PCI_CONFIG_ADDRESS, 0x80000000u | 1 << 11 | 0x10);
	out32(PCI_CONFIG_DATA, 0xffffffffu);
	assert_int_equal(in(PCI_CONFIG_DATA, 4), ~(uint32_t)(VIRTIO_PCI_BAR_SIZE - 1));
	out32(PCI_CONFIG_DATA, (uint32_t)PCI_BAR_BASE);
	assert_int_equal(in(PCI_CONFIG_DATA, 4), (uint32_t)PCI_BAR_BASE);

	/* the capability chain: common, ISR, device, notify (with its multiplier) */
	assert_int_equal(cfg_read(1, 0x06, 2) & 0x10, 0x10);
	int at = (int)cfg_read(1, 0x34, 1), types[4], n = 0;
	while (at && n < 4) {
		assert_int_equal(cfg_read(1, at, 1), 0x09);
		types[n++] = (int)cfg_read(1, at + 3, 1);
		if (types[n - 1] == 2)
			assert_int_equal(cfg_read(1, at + 16, 4), VIRTIO_PCI_NOTIFY_MULT);
		at = (int)cfg_read(1, at + 1, 1);
	}
	assert_int_equal(n, 4);
	assert_int_equal(types[0] + types[1] + types[2] + types[3], 1 + 2 + 3 + 4);

	uint8_t d = 0;
	assert_int_equal(pci_mmio_access(&bus, PCI_BAR_BASE + 0x1000, 0, &d, 1), 1);
	assert_int_equal(last_off, 0x1000);
	assert_int_equal(d, 0x5a);
	assert_int_equal(pci_mmio_access(&bus, PCI_BAR_BASE + VIRTIO_PCI_BAR_SIZE, 0, &d, 1), 0);
	assert_int_equal(accesses, 1);
	assert_int_equal(pci_port_access(&bus, 0x3f8, 0, &d, 1), 0);   /* not the bus's port */
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_bus) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
