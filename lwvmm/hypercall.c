/*
 * Carrying out a batch of hypercalls (the ABI is in lwvmm_abi.h).
 *
 * The requests are copied out of guest memory before they are checked and
 * run: another vCPU could change them in the meantime, and the monitor must
 * act on exactly what it validated.
 */
#define _GNU_SOURCE
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hypercall_check.h"
#include "vm.h"

static void vcpu_park(struct vcpu *vcpu)
{
	uint64_t t0 = now_ns();

	pthread_mutex_lock(&vcpu->park_lock);
	while (!vcpu->wake_pending && !atomic_load(&vcpu->vm->stopping))
		pthread_cond_wait(&vcpu->park_cond, &vcpu->park_lock);
	vcpu->wake_pending = 0;
	pthread_mutex_unlock(&vcpu->park_lock);
	vcpu->stats.parked_ns += now_ns() - t0;
}

static void vcpu_wake(struct vcpu *target)
{
	pthread_mutex_lock(&target->park_lock);
	target->wake_pending = 1;
	pthread_cond_signal(&target->park_cond);
	pthread_mutex_unlock(&target->park_lock);
}

/* Runs one validated request; returns 1 when the VM is to stop. */
static int run_request(struct vcpu *vcpu, struct hc_request *req)
{
	struct vm *vm = vcpu->vm;
	struct timespec ts;

	req->ret = 0;
	switch (req->nr) {
	case HC_NULL:
		break;
	case HC_CONSOLE_WRITE:
		consback_write_all(STDOUT_FILENO, guest_ptr(&vm->mem, req->arg[0], req->arg[1]), req->arg[1]);
		req->ret = (int64_t)req->arg[1];
		break;
	case HC_EXIT:
		vm_end(vm, (int)req->arg[0], NULL);
		return 1;
	case HC_TIME:
		clock_gettime(CLOCK_MONOTONIC, &ts);
		req->ret = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
		break;
	case HC_VCPU_PARK:
		vcpu_park(vcpu);
		break;
	case HC_VCPU_WAKE:
		vcpu_wake(&vm->vcpus[req->arg[0]]);
		break;
	case HC_DEVICE_ATTACH:
		req->ret = devices_attach(vcpu, req->arg[0], req->arg[1], req->arg[2]);
		return atomic_load(&vm->stopping);
	case HC_EVTCHN_WAIT:
		req->ret = (int64_t)devices_wait_event(vcpu, req->arg[0], req->arg[1]);
		break;
	}
	return 0;
}

void hypercall_handle(struct vcpu *vcpu, uint64_t block_gpa)
{
	struct vm *vm = vcpu->vm;
	struct hc_request reqs[HC_BATCH_MAX];
	uint32_t count;
	char why[160];

	vcpu->stats.hypercall_exits++;
	if (hc_check_block_gpa(vm->mem.size, block_gpa, why, sizeof(why)) < 0) {
		vm_fault(vcpu, "bad hypercall: %s", why);
		return;
	}
	struct hc_block *block = guest_ptr(&vm->mem, block_gpa, hc_block_bytes(0));
	count = block->count;
	if (hc_check_block_count(vm->mem.size, block_gpa, count, why, sizeof(why)) < 0) {
		vm_fault(vcpu, "bad hypercall: %s", why);
		return;
	}
	memcpy(reqs, block->req, count * sizeof(reqs[0]));
	for (uint32_t i = 0; i < count; i++) {
		if (hc_check_request(&reqs[i], vm->mem.size, vm->ncpus, why, sizeof(why)) < 0) {
			vm_fault(vcpu, "bad hypercall %s (request %u of %u): %s",
				 hypercall_name((unsigned)reqs[i].nr), i + 1, count, why);
			return;
		}
		vcpu->stats.hypercalls[reqs[i].nr]++;
		int stop = run_request(vcpu, &reqs[i]);
		block->req[i].ret = reqs[i].ret;
		if (stop)
			return;
	}
}
