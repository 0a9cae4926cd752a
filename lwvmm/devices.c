#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "devices.h"
#include "vm.h"

static uint64_t port_doorbell(int port)
{
	return LW_DOORBELL_GPA + DOORBELL_EVTCHN + 8ULL * (uint64_t)port;
}

static struct device *new_device(struct vm *vm, uint32_t type, char *why, size_t why_len)
{
	if (vm->ndevices >= LW_MAX_DEVICES) {
		snprintf(why, why_len, "at most %d devices", LW_MAX_DEVICES);
		return NULL;
	}
	struct device *d = &vm->devices[vm->ndevices++];
	memset(d, 0, sizeof(*d));
	d->type = type;
	d->kick_fd = -1;
	d->blk.fd = -1;
	d->net.tap_fd = -1;
	pthread_mutex_init(&d->regs_lock, NULL);
	return d;
}

int devices_add_console(struct vm *vm, char *why, size_t why_len)
{
	struct device *d = new_device(vm, LW_DEV_CONSOLE, why, why_len);
	if (!d)
		return -1;
	consback_init(&d->cons, STDOUT_FILENO);
	return 0;
}

int devices_add_disk(struct vm *vm, const char *spec, char *why, size_t why_len)
{
	struct device *d = new_device(vm, LW_DEV_BLOCK, why, why_len);
	if (!d)
		return -1;
	return blkback_open(&d->blk, spec, why, why_len);
}

int devices_add_net(struct vm *vm, const char *spec, char *why, size_t why_len)
{
	struct device *d = new_device(vm, LW_DEV_NET, why, why_len);
	if (!d)
		return -1;
	return netback_open(&d->net, spec, vm->ndevices - 1, why, why_len);
}

void devices_describe(struct vm *vm)
{
	struct lw_bootinfo *bi = guest_ptr(&vm->mem, LW_BOOTINFO_GPA, sizeof(*bi));

	bi->ndevices = (uint32_t)vm->ndevices;
	for (int i = 0; i < vm->ndevices; i++) {
		struct device *d = &vm->devices[i];
		bi->devices[i].type = d->type;
		bi->devices[i].flags = d->type == LW_DEV_BLOCK && d->blk.readonly ? LW_DEV_READONLY : 0;
		bi->devices[i].size = d->type == LW_DEV_BLOCK ? d->blk.size : 0;
		if (d->type == LW_DEV_NET) {
			memcpy(bi->devices[i].mac, d->net.mac, 6);
			bi->devices[i].mtu = 1500;
			bi->devices[i].ip = d->net.guest_ip;
			bi->devices[i].netmask = d->net.netmask;
			bi->devices[i].gateway = d->net.host_ip;
		}
	}
}

/* Back end to front end: set the port's pending bit, wake whoever waits. */
void devices_raise_event(void *opaque, int port)
{
	struct vm *vm = opaque;
	struct lw_evtchn_page *page = guest_ptr(&vm->mem, LW_EVTCHN_GPA, sizeof(*page));

	__atomic_fetch_or(&page->pending, 1ULL << port, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&vm->evt_lock);
	pthread_cond_broadcast(&vm->evt_cond);
	pthread_mutex_unlock(&vm->evt_lock);
}

/* Sleeps until a port in `mask` is pending, or `timeout_ns` passes (0: no limit). */
uint64_t devices_wait_event(struct vcpu *vcpu, uint64_t mask, uint64_t timeout_ns)
{
	struct vm *vm = vcpu->vm;
	struct lw_evtchn_page *page = guest_ptr(&vm->mem, LW_EVTCHN_GPA, sizeof(*page));
	uint64_t t0 = now_ns(), pending;
	uint64_t end = t0 + timeout_ns;
	struct timespec deadline = { .tv_sec = (time_t)(end / 1000000000ULL),
				     .tv_nsec = (long)(end % 1000000000ULL) };

	pthread_mutex_lock(&vm->evt_lock);
	while (!((pending = __atomic_load_n(&page->pending, __ATOMIC_SEQ_CST)) & mask) &&
	       !atomic_load(&vm->stopping)) {
		if (!timeout_ns)
			pthread_cond_wait(&vm->evt_cond, &vm->evt_lock);
		else if (pthread_cond_timedwait(&vm->evt_cond, &vm->evt_lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&vm->evt_lock);
	vcpu->stats.parked_ns += now_ns() - t0;
	return pending & mask;
}

/* Rings live in RAM above the guest's low pages and never overlap each other. */
static int64_t check_ring_place(struct vm *vm, uint64_t gpa, uint64_t bytes)
{
	if (gpa < LW_IMAGE_GPA || !guest_range_ok(vm->mem.size, gpa, bytes))
		return HC_EINVAL;
	for (int i = 0; i < vm->ndevices; i++) {
		struct device *o = &vm->devices[i];
		if (o->attached && guest_ranges_overlap(gpa, bytes, o->ring_gpa, o->ring_bytes))
			return HC_EBUSY;
	}
	return 0;
}

static int register_kick(struct vm *vm, struct device *d, int port)
{
	d->kick_fd = eventfd(0, EFD_CLOEXEC);
	if (d->kick_fd < 0)
		return -1;
	struct kvm_ioeventfd io = { .addr = port_doorbell(port), .len = 8, .fd = d->kick_fd };
	return ioctl(vm->vm_fd, KVM_IOEVENTFD, &io);
}

int64_t devices_attach(struct vcpu *vcpu, uint64_t index, uint64_t ring_gpa, uint64_t ring_bytes)
{
	struct vm *vm = vcpu->vm;
	char why[200];
	int port = (int)index;
	int64_t ret;

	pthread_mutex_lock(&vm->end_lock);   /* attachments are rare: one lock for all */
	if (index >= (uint64_t)vm->ndevices) {
		ret = HC_ENODEV;
		goto out;
	}
	struct device *d = &vm->devices[index];
	if (d->attached) {
		ret = HC_EBUSY;
		goto out;
	}
	ret = check_ring_place(vm, ring_gpa, ring_bytes);
	if (ret)
		goto out;
	if (d->type == LW_DEV_CONSOLE) {
		ret = consback_attach(&d->cons, &vm->pv, ring_gpa, ring_bytes, port, why, sizeof(why));
	} else if (register_kick(vm, d, port) < 0) {
		snprintf(why, sizeof(why), "KVM_IOEVENTFD for port %d: %s", port, strerror(errno));
		ret = -1;
	} else if (d->type == LW_DEV_BLOCK) {
		ret = blkback_attach(&d->blk, &vm->pv, ring_gpa, ring_bytes, port, d->kick_fd,
				     why, sizeof(why));
	} else {
		ret = netback_attach(&d->net, &vm->pv, ring_gpa, ring_bytes, port, d->kick_fd,
				     why, sizeof(why));
	}
	if (ret < 0) {
		pthread_mutex_unlock(&vm->end_lock);
		vm_fault(vcpu, "attaching device %d: %s", port, why);
		return HC_EINVAL;
	}
	d->attached = 1;
	d->ring_gpa = ring_gpa;
	d->ring_bytes = ring_bytes;
	ret = port;
out:
	pthread_mutex_unlock(&vm->end_lock);
	return ret;
}

/* A register of the trap-and-emulate block interface: every access is an exit. */
static int mmio_block_register(struct vcpu *vcpu, struct device *d, uint64_t reg, int is_write,
			       uint8_t *data, uint32_t len)
{
	uint64_t value = 0;

	if (len != 8)
		return -1;
	memcpy(&value, data, 8);
	pthread_mutex_lock(&d->regs_lock);
	switch (reg) {
	case MMIO_BLK_OFFSET: if (is_write) d->regs.offset = value; break;
	case MMIO_BLK_BUFFER: if (is_write) d->regs.buffer = value; break;
	case MMIO_BLK_LENGTH: if (is_write) d->regs.len = (uint32_t)value; break;
	case MMIO_BLK_COMMAND:
		if (is_write) {
			d->regs.op = (uint32_t)value;
			d->regs_status = blkback_execute_sync(&d->blk, &vcpu->vm->mem, &d->regs);
		}
		break;
	case MMIO_BLK_STATUS:
		if (!is_write)
			memcpy(data, &d->regs_status, 8);
		break;
	default:
		pthread_mutex_unlock(&d->regs_lock);
		return -1;
	}
	pthread_mutex_unlock(&d->regs_lock);
	return 0;
}

/* Returns 0 when the access was a device's, -1 when it belongs to nobody. */
int devices_handle_mmio(struct vcpu *vcpu, uint64_t addr, int is_write, uint8_t *data, uint32_t len)
{
	struct vm *vm = vcpu->vm;

	if (addr >= port_doorbell(0) && addr < port_doorbell(vm->ndevices) && is_write) {
		struct device *d = &vm->devices[(addr - port_doorbell(0)) / 8];
		if (d->type != LW_DEV_CONSOLE || !d->attached)
			return -1;
		d->cons.kicks++;
		consback_drain(&d->cons);
		return 0;
	}
	if (addr >= LW_MMIO_GPA && addr < LW_MMIO_GPA + (uint64_t)vm->ndevices * MMIO_BLK_STRIDE) {
		struct device *d = &vm->devices[(addr - LW_MMIO_GPA) / MMIO_BLK_STRIDE];
		if (d->type != LW_DEV_BLOCK)
			return -1;
		return mmio_block_register(vcpu, d, (addr - LW_MMIO_GPA) % MMIO_BLK_STRIDE, is_write, data, len);
	}
	return -1;
}

void devices_tick(struct vm *vm)
{
	for (int i = 0; i < vm->ndevices; i++) {
		if (vm->devices[i].type == LW_DEV_CONSOLE)
			consback_drain(&vm->devices[i].cons);
	}
}

void devices_stop(struct vm *vm)
{
	for (int i = 0; i < vm->ndevices; i++) {
		struct device *d = &vm->devices[i];
		if (d->type == LW_DEV_CONSOLE)
			consback_drain(&d->cons);
		else if (d->type == LW_DEV_BLOCK)
			blkback_close(&d->blk);
		else
			netback_close(&d->net);
		if (d->kick_fd >= 0)
			close(d->kick_fd);
		d->kick_fd = -1;
	}
}

void devices_print_stats(FILE *out, struct vm *vm)
{
	for (int i = 0; i < vm->ndevices; i++) {
		struct device *d = &vm->devices[i];
		if (d->type == LW_DEV_CONSOLE && d->attached) {
			fprintf(out, "  console: %llu bytes in %llu slots, %llu kicks, %llu drains\n",
				(unsigned long long)d->cons.bytes, (unsigned long long)d->cons.slots,
				(unsigned long long)d->cons.kicks, (unsigned long long)d->cons.drains);
		} else if (d->type == LW_DEV_NET) {
			const struct netback_stats *s = &d->net.stats;
			fprintf(out, "  net %d (%s): %llu frames out, %llu in, %llu MiB out, %llu MiB in, "
				"%llu errors, %llu kicks in, %llu notifications out%s\n", i, d->net.ifname,
				(unsigned long long)s->tx_frames, (unsigned long long)s->rx_frames,
				(unsigned long long)(s->tx_bytes >> 20), (unsigned long long)(s->rx_bytes >> 20),
				(unsigned long long)s->errors, (unsigned long long)s->kicks,
				(unsigned long long)s->notifies, d->net.broken ? ", BROKEN" : "");
		} else if (d->type == LW_DEV_BLOCK) {
			const struct blkback_stats *s = &d->blk.stats;
			fprintf(out, "  disk %d (%s): ring %llu requests, %llu MiB, %llu errors, "
				"%llu kicks in, %llu notifications out; trap-and-emulate %llu requests, %llu MiB%s\n",
				i, d->blk.path, (unsigned long long)s->requests,
				(unsigned long long)(s->bytes >> 20), (unsigned long long)s->errors,
				(unsigned long long)s->kicks, (unsigned long long)s->notifies,
				(unsigned long long)s->sync_requests, (unsigned long long)(s->sync_bytes >> 20),
				d->blk.broken ? ", BROKEN" : "");
		}
	}
}

void devices_json_stats(FILE *out, struct vm *vm)
{
	const char *sep = "";

	fprintf(out, "\"devices\":[");
	for (int i = 0; i < vm->ndevices; i++) {
		struct device *d = &vm->devices[i];
		if (d->type == LW_DEV_CONSOLE) {
			fprintf(out, "%s{\"type\":\"console\",\"bytes\":%llu,\"slots\":%llu,\"kicks\":%llu}", sep,
				(unsigned long long)d->cons.bytes, (unsigned long long)d->cons.slots,
				(unsigned long long)d->cons.kicks);
		} else if (d->type == LW_DEV_NET) {
			const struct netback_stats *s = &d->net.stats;
			fprintf(out, "%s{\"type\":\"net\",\"tx_frames\":%llu,\"rx_frames\":%llu,"
				"\"tx_bytes\":%llu,\"rx_bytes\":%llu,\"errors\":%llu,\"kicks\":%llu,"
				"\"notifies\":%llu,\"broken\":%s}", sep,
				(unsigned long long)s->tx_frames, (unsigned long long)s->rx_frames,
				(unsigned long long)s->tx_bytes, (unsigned long long)s->rx_bytes,
				(unsigned long long)s->errors, (unsigned long long)s->kicks,
				(unsigned long long)s->notifies, d->net.broken ? "true" : "false");
		} else {
			const struct blkback_stats *s = &d->blk.stats;
			fprintf(out, "%s{\"type\":\"block\",\"requests\":%llu,\"bytes\":%llu,\"errors\":%llu,"
				"\"kicks\":%llu,\"notifies\":%llu,\"sync_requests\":%llu,\"sync_bytes\":%llu,"
				"\"broken\":%s}", sep, (unsigned long long)s->requests,
				(unsigned long long)s->bytes, (unsigned long long)s->errors,
				(unsigned long long)s->kicks, (unsigned long long)s->notifies,
				(unsigned long long)s->sync_requests, (unsigned long long)s->sync_bytes,
				d->blk.broken ? "true" : "false");
		}
		sep = ",";
	}
	fprintf(out, "]");
}
