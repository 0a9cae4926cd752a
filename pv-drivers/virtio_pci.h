/*
 * The modern virtio-pci transport (virtio 1.x, 4.1), device side, for Linux
 * guests: the vendor capabilities in the function's PCI configuration space
 * and the registers of its one memory BAR:
 *
 *   0x0000  common configuration (struct virtio_pci_common_cfg, 0x38 bytes)
 *   0x1000  ISR status (read clears)
 *   0x2000  device-specific configuration (the device kind's read_config)
 *   0x3000  notifications: queue N at 0x3000 + 4 N (notify_off_multiplier 4);
 *           the monitor points a KVM ioeventfd there, so a kick is no exit
 *
 * Interrupts are INTx (pin A): the ISR's bit is set and the eventfd of a
 * KVM irqfd written, which pulses the line of the in-kernel irqchip. There
 * is no MSI-X capability, so Linux takes the INTx path. The device kind (for
 * now virtio_blk.c) gives its features, its configuration and what happens
 * at DRIVER_OK and at a reset. Register accesses come from vCPU threads
 * under the monitor's device lock; the back end's thread only raises
 * interrupts and marks the device broken (both atomic).
 */
#ifndef PV_VIRTIO_PCI_H
#define PV_VIRTIO_PCI_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040   /* + the virtio device type: modern only */
#define VIRTIO_PCI_BAR_SIZE 0x4000
#define VIRTIO_PCI_NOTIFY 0x3000
#define VIRTIO_PCI_NOTIFY_MULT 4
#define VIRTIO_PCI_MAX_QUEUES 2
#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* device_status bits (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

struct virtio_pci;

struct virtio_pci_kind {
	uint16_t type;               /* virtio device type: 2 block, 1 net, 3 console */
	uint32_t class_code;         /* PCI class, subclass, interface */
	int nqueues;
	uint64_t (*features)(void *dev);      /* the device's, VIRTIO_F_VERSION_1 added here */
	void (*read_config)(void *dev, uint32_t off, uint8_t *data, uint32_t len);
	/* DRIVER_OK: the queues are set; 0, or -1 with `why` (the device then needs a reset). */
	int (*start)(void *dev, struct virtio_pci *vp, char *why, size_t why_len);
	void (*reset)(void *dev);    /* status 0: stop using the queues */
};

struct virtio_pci_queue {
	uint16_t size, enable, msix_vector;
	uint64_t desc, driver, device;
};

struct virtio_pci {
	const struct virtio_pci_kind *kind;
	void *dev;
	const char *name;            /* in messages */
	int irq_fd;                  /* the KVM irqfd's eventfd */
	uint32_t dfsel, gfsel;
	uint64_t driver_features;
	uint8_t status;              /* atomic: the back end sets NEEDS_RESET */
	uint8_t generation;
	uint16_t qsel, msix_config;
	struct virtio_pci_queue q[VIRTIO_PCI_MAX_QUEUES];
	uint8_t isr;                 /* atomic: bit 0 a queue, bit 1 the configuration */
	uint64_t interrupts;
};

void virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_kind *kind, void *dev,
		     const char *name, int irq_fd);

/*
 * Fills what virtio-pci puts in the function's configuration space: vendor
 * and device IDs, revision 1, the class, subsystem IDs, and the capability
 * list at 0x40 (the PCI bus code adds the BAR, interrupt and status bits).
 */
void virtio_pci_config_space(const struct virtio_pci *vp, uint8_t cfg[256]);

/* A guest access to the BAR at `off`; reads of nothing give 0. */
void virtio_pci_bar_access(struct virtio_pci *vp, uint64_t off, int is_write, uint8_t *data,
			   uint32_t len);

/* From the back end: the used ring moved (bit 0) or the device broke (NEEDS_RESET, bit 1). */
void virtio_pci_interrupt(struct virtio_pci *vp);
void virtio_pci_needs_reset(struct virtio_pci *vp);

#endif
