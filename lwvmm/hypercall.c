/*
 * The hypercall table and how a batch is carried out (the ABI is in
 * lwvmm_abi.h). Each hypercall is one line of the table: its number, its
 * name, the check of its arguments (hypercall_check.c) and its handler.
 *
 * The requests are copied out of guest memory before they are checked and
 * run: another vCPU could change them in the meantime, and the monitor must
 * act on exactly what it validated.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "consback.h"
#include "hypercall_check.h"
#include "vm.h"

static int64_t run_null(struct vcpu *vcpu, const struct hc_request *req)
{
	(void)vcpu;
	(void)req;
	return 0;
}

static int64_t run_console_write(struct vcpu *vcpu, const struct hc_request *req)
{
	struct vm *vm = vcpu->vm;

	consback_guest_write(vm->devices.dev[0].state,   /* the console is device 0 */
			     guest_io_ptr(&vm->mem, req->arg[0], req->arg[1]), req->arg[1]);
	return (int64_t)req->arg[1];
}

static int64_t run_exit(struct vcpu *vcpu, const struct hc_request *req)
{
	vm_end(vcpu->vm, (int)req->arg[0], NULL);
	return 0;
}

static int64_t run_time(struct vcpu *vcpu, const struct hc_request *req)
{
	struct timespec ts;

	(void)vcpu;
	(void)req;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t run_vcpu_park(struct vcpu *vcpu, const struct hc_request *req)
{
	(void)req;
	vcpu_park(vcpu);
	return 0;
}

static int64_t run_vcpu_wake(struct vcpu *vcpu, const struct hc_request *req)
{
	vcpu_wake(&vcpu->vm->vcpus[req->arg[0]]);
	return 0;
}

static int64_t run_device_attach(struct vcpu *vcpu, const struct hc_request *req)
{
	return devices_attach(vcpu, req->arg[0], req->arg[1], req->arg[2]);
}

/* Time asleep here is idle, not monitor work. */
static int64_t run_evtchn_wait(struct vcpu *vcpu, const struct hc_request *req)
{
	uint64_t t0 = now_ns();
	uint64_t pending = evtchn_wait(&vcpu->vm->evtchn, req->arg[0], req->arg[1]);

	vcpu->stats.parked_ns += now_ns() - t0;
	return (int64_t)pending;
}

/*
 * Pages the guest gives back, as munmap gives them back to a kernel: anonymous
 * RAM drops them (MADV_DONTNEED), a memfd's pages leave its page cache
 * (MADV_REMOVE punches the hole); either way they read as zero next time, and
 * the next touch costs a fault in KVM and the host, as a fresh mmap natively
 * does. Not where the monitor has mapped guest RAM itself: a ,share disk's
 * file pages (discarding a private copy would show the file again) or
 * --numa-policy's moved pages; the guest then zeroes them itself.
 */
static int64_t run_mem_release(struct vcpu *vcpu, const struct hc_request *req)
{
	struct vm *vm = vcpu->vm;
	const struct vm_config *c = vm->config;
	int advice = c->mem_backing == GUEST_RAM_ANON ? MADV_DONTNEED : MADV_REMOVE;

	if (c->numa_policy_spec || devices_map_guest_ram(&vm->devices))
		return LW_EBUSY;
	if (madvise(guest_io_ptr(&vm->mem, req->arg[0], req->arg[1]), req->arg[1], advice) < 0)
		return LW_EBUSY;
	vcpu->stats.pages_released += req->arg[1] / LW_PAGE_SIZE;
	return 0;
}

struct hypercall {
	const char *name;
	int (*check)(const struct hc_request *req, const struct hc_env *env, char *why, size_t why_len);
	int64_t (*run)(struct vcpu *vcpu, const struct hc_request *req);
};

static const struct hypercall hypercalls[HC_COUNT] = {
	[HC_NULL]          = { "null", hc_check_no_args, run_null },
	[HC_CONSOLE_WRITE] = { "console_write", hc_check_console_write, run_console_write },
	[HC_EXIT]          = { "exit", hc_check_exit, run_exit },
	[HC_TIME]          = { "time", hc_check_no_args, run_time },
	[HC_VCPU_PARK]     = { "vcpu_park", hc_check_no_args, run_vcpu_park },
	[HC_VCPU_WAKE]     = { "vcpu_wake", hc_check_vcpu_wake, run_vcpu_wake },
	[HC_DEVICE_ATTACH] = { "device_attach", hc_check_device_attach, run_device_attach },
	[HC_EVTCHN_WAIT]   = { "evtchn_wait", hc_check_evtchn_wait, run_evtchn_wait },
	[HC_MEM_RELEASE]   = { "mem_release", hc_check_mem_release, run_mem_release },
};

const char *hypercall_name(unsigned nr)
{
	if (nr < HC_COUNT && hypercalls[nr].name)
		return hypercalls[nr].name;
	return "unknown";
}

void hypercall_handle(struct vcpu *vcpu, uint64_t block_gpa)
{
	struct vm *vm = vcpu->vm;
	struct hc_env env = { .mem = &vm->mem, .ncpus = vm->ncpus };
	struct hc_request reqs[HC_BATCH_MAX];
	char why[200];

	vcpu->stats.hypercall_exits++;
	if (hc_check_block_gpa(block_gpa, vcpu->index, why, sizeof(why)) < 0) {
		vm_fault(vcpu, "bad hypercall: %s", why);
		return;
	}
	struct hc_block *block = guest_ptr(&vm->mem, block_gpa, sizeof(*block));
	uint32_t count = __atomic_load_n(&block->count, __ATOMIC_RELAXED);
	if (hc_check_block_count(count, why, sizeof(why)) < 0) {
		vm_fault(vcpu, "bad hypercall: %s", why);
		return;
	}
	memcpy(reqs, block->req, count * sizeof(reqs[0]));
	for (uint32_t i = 0; i < count; i++) {
		const struct hc_request *req = &reqs[i];
		const struct hypercall *hc = req->nr < HC_COUNT ? &hypercalls[req->nr] : NULL;
		if (!hc || !hc->run) {
			vm_fault(vcpu, "bad hypercall (request %u of %u): unknown hypercall number %llu",
				 i + 1, count, (unsigned long long)req->nr);
			return;
		}
		if (hc->check(req, &env, why, sizeof(why)) < 0) {
			vm_fault(vcpu, "bad hypercall %s (request %u of %u): %s", hc->name, i + 1, count, why);
			return;
		}
		vcpu->stats.hypercalls[req->nr]++;
		block->req[i].ret = hc->run(vcpu, req);
		if (atomic_load(&vm->stopping))   /* HC_EXIT, or a fault in a handler */
			return;
	}
}
