/*
 * The VM's devices: the console (device 0, always there) and the disks given
 * with --disk. A front end attaches a ring with HC_DEVICE_ATTACH; its event
 * channel port is the device's index. Front to back, a port's doorbell is an
 * ioeventfd (block) or an exit the monitor serves at once (console). Back to
 * front, the back end sets the port's pending bit and wakes HC_EVTCHN_WAIT.
 */
#ifndef LWVMM_DEVICES_H
#define LWVMM_DEVICES_H

#include <stdint.h>
#include <stdio.h>

#include "blkback.h"
#include "consback.h"
#include "netback.h"

struct vm;
struct vcpu;

struct device {
	uint32_t type;          /* LW_DEV_* */
	int attached;
	int kick_fd;            /* ioeventfd of the port's doorbell, or -1 */
	uint64_t ring_gpa, ring_bytes;
	struct blkback blk;
	struct consback cons;
	struct netback net;
	/* trap-and-emulate registers (block) */
	pthread_mutex_t regs_lock;
	struct blk_request regs;
	int64_t regs_status;
};

int devices_add_console(struct vm *vm, char *why, size_t why_len);
int devices_add_disk(struct vm *vm, const char *spec, char *why, size_t why_len);
int devices_add_net(struct vm *vm, const char *spec, char *why, size_t why_len);
void devices_describe(struct vm *vm);   /* into the boot information */
int64_t devices_attach(struct vcpu *vcpu, uint64_t index, uint64_t ring_gpa, uint64_t ring_bytes);
int devices_handle_mmio(struct vcpu *vcpu, uint64_t addr, int is_write, uint8_t *data, uint32_t len);
void devices_raise_event(void *vm, int port);
uint64_t devices_wait_event(struct vcpu *vcpu, uint64_t mask, uint64_t timeout_ns);
void devices_tick(struct vm *vm);       /* periodic: console output */
void devices_stop(struct vm *vm);
void devices_print_stats(FILE *out, struct vm *vm);
void devices_json_stats(FILE *out, struct vm *vm);

#endif
