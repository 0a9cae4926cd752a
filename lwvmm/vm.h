/*
 * The monitor's view of one virtual machine: its KVM file descriptors, its
 * RAM, its vCPUs and how the run ends. Every lwvmm source file includes this.
 */
#ifndef LWVMM_VM_H
#define LWVMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stddef.h>
#include <linux/kvm.h>

#include "lwvmm_abi.h"
#include "devices.h"
#include "evtchn.h"
#include "guest_ram.h"
#include "stats.h"

/* lwvmm's exit statuses; below 64 is the workload's own status. */
enum lwvmm_status {
	LWVMM_EXIT_USAGE = 64,       /* bad option or argument */
	LWVMM_EXIT_UNAVAILABLE = 69, /* no /dev/kvm, no permission, unsupported host */
	LWVMM_EXIT_GUEST_FAULT = 70, /* triple fault, bad hypercall, unknown exit */
	LWVMM_EXIT_RESOURCES = 71,   /* memory or other host resources */
	LWVMM_EXIT_INTERRUPTED = 130,/* SIGINT/SIGTERM */
	LWVMM_EXIT_TIMEOUT = 124,
};

enum virt_flavour { FLAVOUR_UNKNOWN, FLAVOUR_VMX, FLAVOUR_SVM, FLAVOUR_PVM };

/* At most this many domains (VMs) in one lwvmm process (--domains, --domain-file). */
#define LW_MAX_DOMAINS 64
#define LW_DOMAIN_NAME_MAX 32   /* bytes of a domain's name, with its NUL */

struct vm;

struct vcpu {
	struct vm *vm;
	int index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	int thread_started;

	/* HC_VCPU_PARK / HC_VCPU_WAKE */
	pthread_mutex_t park_lock;
	pthread_cond_t park_cond;
	int wake_pending;

	struct vcpu_stats stats;
};

/*
 * One domain's configuration. The run-wide options (timeout, statistics,
 * seccomp, NUMA, memory backing) are the same in every domain's copy.
 */
struct vm_config {
	char name[LW_DOMAIN_NAME_MAX];   /* "d0", or the domain file's name */
	const char *console_prefix;      /* "d0" before each console line; NULL: none (one domain) */
	int ncpus;
	uint64_t mem_size;
	const char *workload;
	int argc;             /* arguments after "--" */
	char **argv;
	double timeout_s;     /* 0: none */
	int print_stats;
	const char *stats_json_path;
	int no_seccomp;       /* --no-seccomp: no system call filters (debugging) */
	const char *numa_spec;      /* --numa (numa_place.c), NULL: no placement */
	const char *numa_sim_spec;  /* --numa-sim: a simulated topology */
	const char *numa_policy_spec;   /* --numa-policy (numa_run.c), NULL: none */
	enum guest_ram_backing mem_backing;   /* --mem-backing */
	int ndevices;         /* --disk and --net, in the order given */
	struct device_spec devices[LW_MAX_DEVICES - 1];
};

struct vm {
	const struct vm_config *config;
	int kvm_fd;
	int vm_fd;
	enum virt_flavour flavour;
	uint64_t tsc_khz;
	struct guest_memory mem;
	struct vcpu vcpus[LW_MAX_VCPUS];
	int ncpus;
	uint64_t entry_rip;
	uint64_t stack_base;        /* lowest stack byte; vCPU i's stack is above it */

	struct devices devices;     /* devices.c */
	struct evtchn evtchn;       /* evtchn.c */
	struct pv_guest pv;         /* what the back ends see of this VM */
	pthread_t main_thread;

	/* How the run ends: the first vCPU to end it wins; end_lock guards only that. */
	atomic_int stopping;
	atomic_int abandoned;       /* by the timeout or a signal: blocked console output is dropped */
	pthread_mutex_t end_lock;
	int exit_status;
	char end_message[256];

	uint64_t t_main_ns;         /* main() entered */
	uint64_t t_first_entry_ns;  /* first KVM_RUN of vCPU 0 */
	uint64_t t_end_ns;
};

/* kvm.c */
int kvm_open(struct vm *vm, char *why, size_t why_len);
int kvm_create_vm(struct vm *vm, char *why, size_t why_len);
enum virt_flavour detect_flavour(void);
const char *flavour_name(enum virt_flavour f);

/* vcpu.c */
int vcpu_create(struct vm *vm, int index, char *why, size_t why_len);
int vcpu_set_entry(struct vcpu *vcpu, char *why, size_t why_len);
void *vcpu_thread(void *arg);
void vcpu_kick(struct vcpu *vcpu);
void vcpu_park(struct vcpu *vcpu);     /* HC_VCPU_PARK: sleep until woken or the VM stops */
void vcpu_wake(struct vcpu *target);   /* HC_VCPU_WAKE */
void vcpu_kick_signal_init(sigset_t *blocked);   /* before any thread is created */

/* main.c: "lwvmm: MESSAGE (lwvmm --help for usage)" on stderr; returns LWVMM_EXIT_USAGE. */
int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* vm.c: one domain's life; domains.c runs them (one or several) */
void vm_init(struct vm *vm, const struct vm_config *config, uint64_t t_main_ns);
int vm_setup(struct vm *vm, char *why, size_t why_len, int *status);
void vm_teardown(struct vm *vm);
void vm_abandon(struct vm *vm, int status, const char *message, const char *late);
void vm_end(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vm_fault(struct vcpu *vcpu, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vm_device_failed(struct vcpu *vcpu, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int errno_is_resource(int err);         /* EMFILE, ENOMEM, ENOSPC...: status 71, not 64/69/70 */
const char *resource_cause(int err);    /* its name and what to do */

/* hypercall.c */
void hypercall_handle(struct vcpu *vcpu, uint64_t block_gpa);

/* boot.c: lays out guest memory and loads the built-in guest */
int boot_builtin_guest(struct vm *vm, char *why, size_t why_len);

uint64_t now_ns(void);

#endif
