/*
 * The VM's device table. Each device is an instance of a back end kind
 * (pv-drivers/backend.h: console, block, net); its index is its event
 * channel port. The console is device 0 and always there; the others come
 * from the command line (--disk, --net). A front end attaches its ring with
 * HC_DEVICE_ATTACH. Adding a device kind: one back-end file that defines its
 * struct backend_ops, and one line in device_kinds[] in devices.c.
 */
#ifndef LWVMM_DEVICES_H
#define LWVMM_DEVICES_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"

struct vm;
struct vcpu;

struct device {
	const struct backend_ops *ops;
	void *state;            /* the back end's, ops->state_size bytes */
	int opened;
	int attached;
	int kick_fd;            /* ioeventfd of the port's doorbell, or -1 */
};

/* One device given on the command line: its kind ("disk", "net") and its spec. */
struct device_spec {
	const char *kind;
	const char *spec;
};

struct devices {
	struct device dev[LW_MAX_DEVICES];
	int count;
	pthread_mutex_t attach_lock;   /* attachments are rare: one lock for all */
};

int devices_add(struct vm *vm, const char *kind, const char *spec, char *why, size_t why_len);
void devices_describe(struct vm *vm);   /* into the boot information */
int64_t devices_attach(struct vcpu *vcpu, uint64_t index, uint64_t ring_gpa, uint64_t ring_bytes);
int devices_handle_mmio(struct vcpu *vcpu, uint64_t addr, int is_write, uint8_t *data, uint32_t len);
void devices_tick(struct vm *vm);       /* periodic: console output */
/* 1 when a back end maps files over guest RAM (a ,share disk): see HC_MEM_RELEASE. */
int devices_map_guest_ram(const struct devices *devs);
void devices_stop(struct vm *vm);
void devices_free(struct vm *vm);       /* after devices_stop() and the statistics (vm_teardown) */
void devices_print_stats(FILE *out, struct vm *vm);
void devices_json_stats(FILE *out, struct vm *vm);

#endif
