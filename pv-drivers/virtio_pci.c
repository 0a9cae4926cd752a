#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "virtio_pci.h"
#include "virtqueue.h"

#define BAR_COMMON 0x0000
#define BAR_COMMON_SIZE 0x38
#define BAR_ISR 0x1000
#define BAR_DEVICE 0x2000
#define BAR_DEVICE_SIZE 0x100
#define NO_VECTOR 0xffff

/* virtio_pci_cap.cfg_type (4.1.4) */
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };

void virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_kind *kind, void *dev,
		     const char *name, int irq_fd)
{
	*vp = (struct virtio_pci){ .kind = kind, .dev = dev, .name = name, .irq_fd = irq_fd,
		.msix_config = NO_VECTOR };
	for (int i = 0; i < kind->nqueues; i++)
		vp->q[i].size = VIRTQ_MAX_SIZE;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* One vendor-specific capability (struct virtio_pci_cap) at `at`, all in BAR 0. */
static void put_cap(uint8_t *cfg, uint8_t at, uint8_t next, uint8_t len, uint8_t type,
		    uint32_t offset, uint32_t length)
{
	cfg[at] = 0x09;          /* PCI_CAP_ID_VNDR */
	cfg[at + 1] = next;
	cfg[at + 2] = len;
	cfg[at + 3] = type;
	cfg[at + 4] = 0;         /* BAR 0 */
	put32(cfg + at + 8, offset);
	put32(cfg + at + 12, length);
}

void virtio_pci_config_space(const struct virtio_pci *vp, uint8_t cfg[256])
{
	put16(cfg + 0x00, VIRTIO_PCI_VENDOR);
	put16(cfg + 0x02, (uint16_t)(VIRTIO_PCI_DEVICE_BASE + vp->kind->type));
	put32(cfg + 0x08, vp->kind->class_code << 8 | 1);   /* revision 1: a modern device */
	put16(cfg + 0x2c, VIRTIO_PCI_VENDOR);
	put16(cfg + 0x2e, vp->kind->type);
	cfg[0x34] = 0x40;
	put_cap(cfg, 0x40, 0x50, 16, CAP_COMMON, BAR_COMMON, BAR_COMMON_SIZE);
	put_cap(cfg, 0x50, 0x60, 16, CAP_ISR, BAR_ISR, 4);
	put_cap(cfg, 0x60, 0x70, 16, CAP_DEVICE, BAR_DEVICE, BAR_DEVICE_SIZE);
	put_cap(cfg, 0x70, 0x00, 20, CAP_NOTIFY, VIRTIO_PCI_NOTIFY,
		VIRTIO_PCI_NOTIFY_MULT * VIRTIO_PCI_MAX_QUEUES);
	put32(cfg + 0x70 + 16, VIRTIO_PCI_NOTIFY_MULT);
}

static uint64_t device_features(const struct virtio_pci *vp)
{
	return vp->kind->features(vp->dev) | VIRTIO_F_VERSION_1;
}

static uint8_t load_status(const struct virtio_pci *vp)
{
	return __atomic_load_n(&vp->status, __ATOMIC_ACQUIRE);
}

static void reset(struct virtio_pci *vp)
{
	vp->kind->reset(vp->dev);
	__atomic_store_n(&vp->status, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vp->isr, 0, __ATOMIC_RELEASE);
	vp->dfsel = vp->gfsel = 0;
	vp->driver_features = 0;
	vp->qsel = 0;
	vp->msix_config = NO_VECTOR;
	memset(vp->q, 0, sizeof(vp->q));
	for (int i = 0; i < vp->kind->nqueues; i++)
		vp->q[i].size = VIRTQ_MAX_SIZE;   /* a queue's size reads its largest until the driver sets it */
}

/* A write of device_status: the driver's steps of 3.1.1, checked. */
static void write_status(struct virtio_pci *vp, uint8_t v)
{
	char why[200];
	uint8_t old = load_status(vp);

	if (v == 0) {
		reset(vp);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    ((vp->driver_features & ~device_features(vp)) || !(vp->driver_features & VIRTIO_F_VERSION_1)))
		v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;   /* the driver reads it back: refused */
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK)) {
		if (!(v & VIRTIO_STATUS_FEATURES_OK) || vp->kind->start(vp->dev, vp, why, sizeof(why)) < 0) {
			if (!(v & VIRTIO_STATUS_FEATURES_OK))
				snprintf(why, sizeof(why), "DRIVER_OK before FEATURES_OK");
			fprintf(stderr, "lwvmm: virtio %s: %s: the device needs a reset\n", vp->name, why);
			v |= VIRTIO_STATUS_NEEDS_RESET;
		}
	}
	__atomic_or_fetch(&vp->status, v, __ATOMIC_ACQ_REL);
}

static uint32_t get(const uint8_t *data, uint32_t len)
{
	uint32_t v = 0;

	memcpy(&v, data, len < 4 ? len : 4);
	return v;
}

static void set(uint8_t *data, uint32_t len, uint64_t v)
{
	memcpy(data, &v, len < 8 ? len : 8);
}

/* The 64-bit queue addresses, written as two 32-bit halves. */
static void write_half(uint64_t *reg, uint64_t off, uint32_t v)
{
	if (off % 8 == 0)
		*reg = (*reg & ~0xffffffffULL) | v;
	else
		*reg = (*reg & 0xffffffffULL) | (uint64_t)v << 32;
}

static void common_access(struct virtio_pci *vp, uint64_t off, int is_write, uint8_t *data, uint32_t len)
{
	struct virtio_pci_queue *q = vp->qsel < vp->kind->nqueues ? &vp->q[vp->qsel] : NULL;
	uint32_t v = is_write ? get(data, len) : 0;
	uint64_t r = 0;
	int live = q && q->enable;   /* an enabled queue's set-up is fixed until a reset */

	switch (off) {
	case 0x00: if (is_write) vp->dfsel = v; else r = vp->dfsel; break;
	case 0x04: r = vp->dfsel < 2 ? (uint32_t)(device_features(vp) >> (32 * vp->dfsel)) : 0; break;
	case 0x08: if (is_write) vp->gfsel = v; else r = vp->gfsel; break;
	case 0x0c:
		if (is_write && vp->gfsel < 2 && !(load_status(vp) & VIRTIO_STATUS_FEATURES_OK))
			write_half(&vp->driver_features, vp->gfsel * 4, v);
		else if (!is_write && vp->gfsel < 2)
			r = (uint32_t)(vp->driver_features >> (32 * vp->gfsel));
		break;
	case 0x10: if (is_write) vp->msix_config = NO_VECTOR; r = vp->msix_config; break;
	case 0x12: r = (uint16_t)vp->kind->nqueues; break;
	case 0x14: if (is_write) write_status(vp, (uint8_t)v); else r = load_status(vp); break;
	case 0x15: r = vp->generation; break;
	case 0x16: if (is_write) vp->qsel = (uint16_t)v; else r = vp->qsel; break;
	case 0x18:
		if (is_write && q && !live && v && v <= VIRTQ_MAX_SIZE && !(v & (v - 1)))
			q->size = (uint16_t)v;
		else if (!is_write)
			r = q ? q->size : 0;
		break;
	case 0x1a: if (!is_write && q) r = NO_VECTOR; break;   /* no MSI-X: every vector is "none" */
	case 0x1c: if (is_write && q && v == 1) q->enable = 1; else if (!is_write && q) r = q->enable; break;
	case 0x1e: r = q ? vp->qsel : 0; break;   /* queue_notify_off: the queue's own slot */
	case 0x20: case 0x24: if (is_write && q && !live) write_half(&q->desc, off, v); else if (q) r = q->desc >> (off % 8 * 8); break;
	case 0x28: case 0x2c: if (is_write && q && !live) write_half(&q->driver, off, v); else if (q) r = q->driver >> (off % 8 * 8); break;
	case 0x30: case 0x34: if (is_write && q && !live) write_half(&q->device, off, v); else if (q) r = q->device >> (off % 8 * 8); break;
	default: break;
	}
	if (!is_write)
		set(data, len, r);
}

void virtio_pci_bar_access(struct virtio_pci *vp, uint64_t off, int is_write, uint8_t *data, uint32_t len)
{
	if (!is_write)
		memset(data, 0, len);
	if (len > 8)
		return;
	if (off < BAR_COMMON_SIZE) {
		common_access(vp, off, is_write, data, len);
	} else if (off == BAR_ISR && !is_write) {
		data[0] = __atomic_exchange_n(&vp->isr, 0, __ATOMIC_ACQ_REL);
	} else if (off >= BAR_DEVICE && off - BAR_DEVICE + len <= BAR_DEVICE_SIZE && !is_write) {
		vp->kind->read_config(vp->dev, (uint32_t)(off - BAR_DEVICE), data, len);
	}
	/* The notify area is KVM's ioeventfd: a write that still exits here changes nothing. */
}

static void raise(struct virtio_pci *vp, uint8_t bit)
{
	uint64_t one = 1;

	__atomic_or_fetch(&vp->isr, bit, __ATOMIC_ACQ_REL);
	__atomic_add_fetch(&vp->interrupts, 1, __ATOMIC_RELAXED);
	if (write(vp->irq_fd, &one, sizeof(one)) < 0)
		fprintf(stderr, "lwvmm: virtio %s: cannot write the interrupt's eventfd\n", vp->name);
}

void virtio_pci_interrupt(struct virtio_pci *vp)
{
	raise(vp, 1);
}

void virtio_pci_needs_reset(struct virtio_pci *vp)
{
	__atomic_or_fetch(&vp->status, VIRTIO_STATUS_NEEDS_RESET, __ATOMIC_ACQ_REL);
	raise(vp, 2);
}
