#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkback.h"
#include "consback.h"
#include "netback.h"
#include "devices.h"
#include "vm.h"

/* The device kinds, by the name the command line uses. */
static const struct {
	const char *name;
	const struct backend_ops *ops;
} device_kinds[] = {
	{ "console", &consback_ops },
	{ "disk", &blkback_ops },
	{ "net", &netback_ops },
};

static const struct backend_ops *find_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(device_kinds) / sizeof(device_kinds[0]); i++) {
		if (strcmp(device_kinds[i].name, name) == 0)
			return device_kinds[i].ops;
	}
	return NULL;
}

/* Opens a device of `kind`; a bad spec is the user's mistake, reported in `why`. */
int devices_add(struct vm *vm, const char *kind, const char *spec, char *why, size_t why_len)
{
	const struct backend_ops *ops = find_kind(kind);
	struct devices *ds = &vm->devices;

	if (!ops) {
		snprintf(why, why_len, "unknown device kind '%s'", kind);
		return -1;
	}
	if (ds->count >= LW_MAX_DEVICES) {
		snprintf(why, why_len, "at most %d devices", LW_MAX_DEVICES);
		return -1;
	}
	struct device *d = &ds->dev[ds->count];
	*d = (struct device){ .ops = ops, .kick_fd = -1, .state = calloc(1, ops->state_size) };
	if (!d->state) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	ds->count++;
	if (ops->open(d->state, spec, ds->count - 1, why, why_len) < 0)
		return -1;
	d->opened = 1;
	return 0;
}

void devices_describe(struct vm *vm)
{
	struct lw_bootinfo *bi = guest_ptr(&vm->mem, LW_BOOTINFO_GPA, sizeof(*bi));

	bi->ndevices = (uint32_t)vm->devices.count;
	for (int i = 0; i < vm->devices.count; i++) {
		struct device *d = &vm->devices.dev[i];
		d->ops->describe(d->state, &bi->devices[i]);
	}
}

/*
 * HC_DEVICE_ATTACH: the ring goes into guest memory's list of rings (which
 * checks that it lies in guest-owned RAM and overlaps no other ring, so no
 * guest buffer can ever be placed over it), the port's doorbell is bound,
 * and the back end starts serving the ring.
 */
int64_t devices_attach(struct vcpu *vcpu, uint64_t index, uint64_t ring_gpa, uint64_t ring_bytes)
{
	struct vm *vm = vcpu->vm;
	struct devices *ds = &vm->devices;
	char why[200];
	int port = (int)index;
	int64_t ret = port;

	pthread_mutex_lock(&ds->attach_lock);
	/* A ring outside the guest's own RAM is a fault, whatever the device. */
	if (guest_io_check(&vm->mem, ring_gpa, ring_bytes, why, sizeof(why)) < 0) {
		pthread_mutex_unlock(&ds->attach_lock);
		vm_fault(vcpu, "attaching device %d: ring %s", port, why);
		return LW_EINVAL;
	}
	if (index >= (uint64_t)ds->count) {
		ret = LW_ENODEV;
		goto out;
	}
	struct device *d = &ds->dev[index];
	if (d->attached) {
		ret = LW_EBUSY;
		goto out;
	}
	if (guest_memory_add_ring(&vm->mem, ring_gpa, ring_bytes, why, sizeof(why)) < 0) {
		pthread_mutex_unlock(&ds->attach_lock);
		vm_fault(vcpu, "attaching device %d: ring %s", port, why);
		return LW_EINVAL;
	}
	if (!d->ops->exit_doorbell) {
		d->kick_fd = evtchn_bind_doorbell(&vm->evtchn, port);
		if (d->kick_fd < 0) {
			int err = errno;
			pthread_mutex_unlock(&ds->attach_lock);
			vm_device_failed(vcpu, err, "attaching device %d: KVM_IOEVENTFD for port %d: %s",
					 port, port, strerror(err));
			return LW_ENOSPC;
		}
	}
	if (d->ops->attach(d->state, &vm->pv, ring_gpa, ring_bytes, port, d->kick_fd, why, sizeof(why)) < 0) {
		int err = errno;   /* the back end's: the host's cause, or EINVAL for the guest's mistake */
		pthread_mutex_unlock(&ds->attach_lock);
		vm_device_failed(vcpu, err, "attaching device %d: %s", port, why);
		return LW_EINVAL;
	}
	d->attached = 1;
out:
	pthread_mutex_unlock(&ds->attach_lock);
	return ret;
}

/* Returns 0 when the access was a device's, -1 when it belongs to nobody. */
int devices_handle_mmio(struct vcpu *vcpu, uint64_t addr, int is_write, uint8_t *data, uint32_t len)
{
	struct devices *ds = &vcpu->vm->devices;
	int port = evtchn_doorbell_port(addr, ds->count);

	if (port >= 0) {
		struct device *d = &ds->dev[port];
		if (!is_write || !d->ops->exit_doorbell || !d->attached)
			return -1;
		d->ops->doorbell(d->state);
		return 0;
	}
	if (addr >= LW_MMIO_GPA && addr < LW_MMIO_GPA + (uint64_t)ds->count * MMIO_BLK_STRIDE) {
		struct device *d = &ds->dev[(addr - LW_MMIO_GPA) / MMIO_BLK_STRIDE];
		if (!d->ops->mmio)
			return -1;
		return d->ops->mmio(d->state, &vcpu->vm->mem, (addr - LW_MMIO_GPA) % MMIO_BLK_STRIDE,
				    is_write, data, len);
	}
	return -1;
}

void devices_tick(struct vm *vm)
{
	for (int i = 0; i < vm->devices.count; i++) {
		struct device *d = &vm->devices.dev[i];
		if (d->ops->tick && d->opened)
			d->ops->tick(d->state);
	}
}

int devices_map_guest_ram(const struct devices *devs)
{
	for (int i = 0; i < devs->count; i++) {
		const struct device *d = &devs->dev[i];
		if (d->ops->maps_guest_ram && d->opened && d->ops->maps_guest_ram(d->state))
			return 1;
	}
	return 0;
}

/*
 * Also after a failed start-up: a back end's stop closes whatever its open
 * got as far as opening (a disk, a tap), so every device is stopped.
 */
void devices_stop(struct vm *vm)
{
	for (int i = 0; i < vm->devices.count; i++) {
		struct device *d = &vm->devices.dev[i];
		d->ops->stop(d->state);
		d->opened = 0;
		if (d->kick_fd >= 0)
			close(d->kick_fd);
		d->kick_fd = -1;
	}
}

/* After devices_stop() and the statistics: the back ends' state. */
void devices_free(struct vm *vm)
{
	for (int i = 0; i < vm->devices.count; i++) {
		if (vm->devices.dev[i].ops->release && vm->devices.dev[i].state)
			vm->devices.dev[i].ops->release(vm->devices.dev[i].state);
		free(vm->devices.dev[i].state);
		vm->devices.dev[i].state = NULL;
	}
	vm->devices.count = 0;
}

void devices_print_stats(FILE *out, struct vm *vm)
{
	for (int i = 0; i < vm->devices.count; i++) {
		struct device *d = &vm->devices.dev[i];
		d->ops->print_stats(out, d->state, i);
	}
}

void devices_json_stats(FILE *out, struct vm *vm)
{
	fprintf(out, "\"devices\":[");
	for (int i = 0; i < vm->devices.count; i++) {
		struct device *d = &vm->devices.dev[i];
		fprintf(out, "%s", i ? "," : "");
		d->ops->json_stats(out, d->state);
	}
	fprintf(out, "]");
}
