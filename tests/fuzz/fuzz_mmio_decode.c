/*
 * libFuzzer target: the exits a guest causes outside RAM, as lwvmm/devices.c
 * decodes them: which device a doorbell write or a trap-and-emulate register
 * access at a guest-chosen address reaches (devices_handle_mmio, with
 * evtchn_doorbell_port from lwvmm/evtchn.c), and HC_DEVICE_ATTACH with a
 * guest-chosen device index, ring address and size (devices_attach). The
 * guest picks every address, length and direction; the VM has 1 to
 * LW_MAX_DEVICES devices, each of a recording kind (below) that says which
 * entry points were reached with what.
 *
 * The property: an access reaches at most one device; a doorbell reaches
 * only an attached device whose doorbell exits, on a write, at exactly its
 * port's address; a register access reaches only a device that has
 * registers, at the offset inside its own window, never past the window;
 * everything else is refused (-1), and an attach the guard refuses is a
 * fault without touching the device. The expected answer is worked out here
 * from lwvmm_abi.h's layout, independently of devices.c.
 *
 * devices.c is #included so that its device table can be filled with the
 * recording kind; vm_fault and vm_device_failed (lwvmm/vm.c) are recorded
 * instead of ending a VM.
 *
 * Input: 1 byte of device set-up (count 1..8; which have registers, which
 * exit on their doorbell), then records of 12 bytes: 1 op (bit 0: write;
 * bit 1: attach instead of an access; bits 2-3: which window the address is
 * near, bit 4: any address at all; for attach, bit 2: near the image), 1
 * length (for attach, the ring size in 64-byte units), 2 device index,
 * 8 offset.
 */
#include "devices.c"

#include <assert.h>
#include <stdlib.h>

#define RAM_SIZE (LW_IMAGE_GPA + (1u << 20))

static uint8_t *ram;
static int faults, device_failures;

void vm_fault(struct vcpu *vcpu, const char *fmt, ...)
{
	(void)vcpu;
	(void)fmt;
	faults++;
}

void vm_device_failed(struct vcpu *vcpu, int err, const char *fmt, ...)
{
	(void)vcpu;
	(void)err;
	(void)fmt;
	device_failures++;
}

/* The recording device kind: each instance counts what reached it. */
struct probe {
	int index;
	int doorbells, mmio_calls, attaches;
	uint64_t last_reg;
	uint32_t last_len;
};

static void probe_doorbell(void *state)
{
	((struct probe *)state)->doorbells++;
}

static int probe_mmio(void *state, const struct guest_memory *mem, uint64_t reg, int is_write,
		      uint8_t *data, uint32_t len)
{
	struct probe *p = state;

	(void)mem;
	(void)is_write;
	(void)data;
	p->mmio_calls++;
	p->last_reg = reg;
	p->last_len = len;
	return 0;
}

static int probe_attach(void *state, struct pv_guest *g, uint64_t ring_gpa, uint64_t ring_bytes,
			int port, int kick_fd, char *why, size_t why_len)
{
	struct probe *p = state;

	(void)g;
	(void)kick_fd;
	(void)why;
	(void)why_len;
	/* the guard let it through: the ring is guest-owned RAM, and it is this device's */
	assert(port == p->index);
	assert(ring_gpa >= LW_IMAGE_GPA && ring_gpa + ring_bytes <= RAM_SIZE);
	p->attaches++;
	return 0;
}

/* Four kinds: with or without registers, doorbell exiting or an ioeventfd. */
static struct backend_ops probe_ops[4];

static void make_kinds(void)
{
	for (int k = 0; k < 4; k++)
		probe_ops[k] = (struct backend_ops){ .kind = "probe", .state_size = sizeof(struct probe),
			.exit_doorbell = k & 1, .doorbell = probe_doorbell,
			.mmio = (k & 2) ? probe_mmio : NULL, .attach = probe_attach };
}

static uint64_t read_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int total(const struct vm *vm, size_t field)
{
	int sum = 0;

	for (int i = 0; i < vm->devices.count; i++)
		sum += *(const int *)((const char *)vm->devices.dev[i].state + field);
	return sum;
}

/* What devices_handle_mmio must do with one access; the device it must reach, or -1. */
static int expected_target(const struct vm *vm, uint64_t addr, int is_write, int *is_doorbell)
{
	const struct devices *ds = &vm->devices;
	uint64_t bell0 = LW_DOORBELL_GPA + DOORBELL_EVTCHN;

	*is_doorbell = 0;
	if (addr >= bell0 && addr < bell0 + 8ULL * (uint64_t)ds->count) {
		int port = (int)((addr - bell0) / 8);
		*is_doorbell = 1;
		if ((addr - bell0) % 8 || !is_write || !ds->dev[port].ops->exit_doorbell ||
		    !ds->dev[port].attached)
			return -1;
		return port;
	}
	if (addr >= LW_MMIO_GPA && addr < LW_MMIO_GPA + (uint64_t)ds->count * MMIO_BLK_STRIDE) {
		int d = (int)((addr - LW_MMIO_GPA) / MMIO_BLK_STRIDE);
		return ds->dev[d].ops->mmio ? d : -1;
	}
	return -1;
}

static void one_access(struct vm *vm, struct vcpu *vcpu, uint64_t addr, int is_write, uint32_t len)
{
	uint8_t data[8] = { 0 };
	int before_bells = total(vm, offsetof(struct probe, doorbells));
	int before_mmio = total(vm, offsetof(struct probe, mmio_calls));
	int doorbell, want = expected_target(vm, addr, is_write, &doorbell);
	int rc = devices_handle_mmio(vcpu, addr, is_write, data, len);

	assert(rc == (want >= 0 ? 0 : -1));
	if (want < 0) {
		assert(total(vm, offsetof(struct probe, doorbells)) == before_bells);
		assert(total(vm, offsetof(struct probe, mmio_calls)) == before_mmio);
		return;
	}
	struct probe *p = vm->devices.dev[want].state;
	if (doorbell) {
		assert(total(vm, offsetof(struct probe, doorbells)) == before_bells + 1);
		assert(total(vm, offsetof(struct probe, mmio_calls)) == before_mmio);
	} else {
		assert(total(vm, offsetof(struct probe, mmio_calls)) == before_mmio + 1);
		assert(total(vm, offsetof(struct probe, doorbells)) == before_bells);
		assert(p->mmio_calls > 0 && p->last_len == len);
		assert(p->last_reg == (addr - LW_MMIO_GPA) % MMIO_BLK_STRIDE);
		assert(p->last_reg < MMIO_BLK_STRIDE);
	}
}

static void one_attach(struct vm *vm, struct vcpu *vcpu, uint64_t index, uint64_t gpa, uint64_t bytes)
{
	int before_faults = faults, before_failed = device_failures;
	int before = total(vm, offsetof(struct probe, attaches));
	int64_t ret = devices_attach(vcpu, index, gpa, bytes);

	if (ret >= 0) {
		assert(ret == (int64_t)index && vm->devices.dev[index].attached);
		assert(total(vm, offsetof(struct probe, attaches)) == before + 1);
		return;
	}
	/* refused: the device's attach was never reached, or it failed the host side */
	assert(total(vm, offsetof(struct probe, attaches)) == before);
	assert(ret == LW_ENODEV || ret == LW_EBUSY || faults > before_faults ||
	       device_failures > before_failed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vm vm;
	static struct vcpu vcpu;

	if (size < 1)
		return 0;
	if (!ram) {
		ram = calloc(1, RAM_SIZE);
		if (!ram)
			abort();
		make_kinds();
	}
	memset(&vm, 0, sizeof(vm));
	vm.mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE,
		.owned_from = LW_IMAGE_GPA };
	vm.evtchn.vm_fd = -1;   /* no VM: binding an ioeventfd fails, as a host failure would */
	pthread_mutex_init(&vm.devices.attach_lock, NULL);
	vcpu.vm = &vm;

	struct probe probes[LW_MAX_DEVICES];
	int count = 1 + (data[0] & 7);
	for (int i = 0; i < count; i++) {
		probes[i] = (struct probe){ .index = i };
		/* bits 3-7 of the first byte, and the index, pick each device's kind */
		int kind = ((data[0] >> 3) + i) & 3;
		vm.devices.dev[i] = (struct device){ .ops = &probe_ops[kind], .state = &probes[i],
			.opened = 1, .kick_fd = -1 };
	}
	vm.devices.count = count;

	for (size_t at = 1; at + 12 <= size; at += 12) {
		const uint8_t *r = data + at;
		int op = r[0];
		uint32_t len = 1 + r[1] % 8;
		uint64_t index = read_le(r + 2, 2), offset = read_le(r + 4, 8);
		static const uint64_t near[4] = { LW_DOORBELL_GPA + DOORBELL_EVTCHN, LW_MMIO_GPA,
						  LW_DOORBELL_GPA, LW_IMAGE_GPA };
		if (op & 2) {
			/* small offsets from the image or the RAM's end, or anything */
			uint64_t gpa = (op & 4) ? near[3] + (offset & 0xfffff) : offset;
			one_attach(&vm, &vcpu, index % 16, gpa, (uint64_t)r[1] << 6);
		} else {
			uint64_t addr = (op & 16) ? offset : near[(op >> 2) & 3] + (offset & 0x3ff);
			one_access(&vm, &vcpu, addr, op & 1, len);
		}
	}
	for (int i = 0; i < vm.devices.count; i++)
		if (vm.devices.dev[i].kick_fd >= 0)
			close(vm.devices.dev[i].kick_fd);
	pthread_mutex_destroy(&vm.devices.attach_lock);
	vm.mem.nrings = 0;
	return 0;
}
