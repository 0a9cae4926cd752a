/*
 * The monitor's confinement (see seccomp.h for the order of the steps).
 *
 * Each kind of thread has its list of system calls below, one line per call
 * with its reason. The lists were found by running every workload and device
 * (cpu, mem, io on rings and trap-and-emulate, net, the selftest modes,
 * --stats, --stats-json, timeouts and signals) under `strace -f` and checked
 * by the host tests, which all run under the filters.
 *
 * Thread creation decides what a list must hold: a filter is inherited by the
 * threads a thread creates and a thread can only narrow what it inherited. A
 * vCPU thread starts the back-end threads (HC_DEVICE_ATTACH), so the vCPU's
 * filter also holds the back ends' calls and what starting a thread takes;
 * each back-end thread then narrows it to its own list. The main thread
 * starts the vCPU threads, so the base filter it installs first is the union
 * of all lists; once the vCPUs run, it narrows itself to the main list. The
 * console back end has no thread: vCPUs (kicks, HC_CONSOLE_WRITE) and the
 * main thread (ticks, the end) drain it with `write`, in every list.
 *
 * A forbidden call traps (SECCOMP_RET_TRAP): the SIGSYS handler writes one
 * line naming the thread kind and the call, with async-signal-safe calls
 * only, and ends the process with status 70 (LWVMM_EXIT_GUEST_FAULT: the run
 * faulted; the message says it was the monitor's filter).
 *
 * A Linux guest (--kernel, linux_vm.c) has one filter for all its threads
 * (linux_calls): its vCPU threads run devices and start the block back end's.
 *
 * Debugging: --no-seccomp leaves the filters out (capabilities are still
 * dropped, no_new_privs still set). LWVMM_SECCOMP_LOG=1 logs a forbidden call
 * to the kernel log (dmesg: "audit: type=1326 ... syscall=N") and lets it
 * run: how to find a call missing from a list. LWVMM_SECCOMP_SELFTEST=
 * main|vcpu|backend|policy|linux makes the first thread of that kind, once
 * its filter is in force, make one call that another kind may make and it
 * may not (tests/host/seccomp.t; linux: a socket, in linux_guest.t).
 */
#define _GNU_SOURCE
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"
#include "vm.h"

/* How a rule looks at the call's arguments. */
enum check {
	ARGS_ANY,
	ARGS_NO_EXEC,     /* mmap, mprotect: never PROT_EXEC */
	ARGS_THREAD,      /* clone: only with CLONE_THREAD, never a new process */
	ARGS_IOCTL,       /* ioctl: only the requests listed in the rule */
	ARGS_FILTER,      /* seccomp: only SECCOMP_SET_MODE_FILTER, flags 0 (it can only narrow) */
	ARGS_QUERY,       /* move_pages: nodes NULL, a query that moves nothing */
	ANSWER_ENOSYS,    /* not allowed: the call fails with ENOSYS */
};

struct rule {
	int nr;
	enum check check;
	const unsigned long *ioctls;   /* ARGS_IOCTL: the requests, 0-terminated */
};

static const unsigned long main_ioctls[] = { KVM_GET_STATS_FD, 0 };
static const unsigned long vcpu_ioctls[] = { KVM_RUN, KVM_GET_REGS, KVM_IOEVENTFD, 0 };

/* Every thread: glibc, malloc and a thread's own life. */
static const struct rule every_thread_calls[] = {
	{ SCMP_SYS(futex), ARGS_ANY, NULL },           /* mutexes, condition variables, pthread_join */
	{ SCMP_SYS(write), ARGS_ANY, NULL },           /* stderr, console output, kicks, frames to the tap */
	{ SCMP_SYS(mmap), ARGS_NO_EXEC, NULL },        /* malloc, thread stacks, io_uring's rings */
	{ SCMP_SYS(mprotect), ARGS_NO_EXEC, NULL },    /* malloc's arenas, stack guard pages */
	{ SCMP_SYS(munmap), ARGS_ANY, NULL },          /* free, io_uring_queue_exit, teardown */
	{ SCMP_SYS(madvise), ARGS_ANY, NULL },         /* glibc gives back a finished thread's stack */
	{ SCMP_SYS(brk), ARGS_ANY, NULL },             /* malloc in the main arena */
	{ SCMP_SYS(rt_sigprocmask), ARGS_ANY, NULL },  /* glibc masks signals around thread start and exit */
	{ SCMP_SYS(rt_sigreturn), ARGS_ANY, NULL },    /* back from a signal handler */
	{ SCMP_SYS(restart_syscall), ARGS_ANY, NULL }, /* the kernel resumes a sleep a signal interrupted */
	{ SCMP_SYS(clock_gettime), ARGS_ANY, NULL },   /* time, where the vDSO cannot read the clock source */
	{ SCMP_SYS(exit), ARGS_ANY, NULL },            /* a thread returns */
	{ SCMP_SYS(exit_group), ARGS_ANY, NULL },      /* the process ends (and the SIGSYS handler's _exit) */
};

/* The main thread, once the vCPU threads run (vm.c: wait, then stop and report). */
static const struct rule main_calls[] = {
	{ SCMP_SYS(rt_sigtimedwait), ARGS_ANY, NULL }, /* sleeps until the end, SIGINT/SIGTERM or the timeout */
	{ SCMP_SYS(getpid), ARGS_ANY, NULL },          /* pthread_kill: kicks the vCPUs at a timeout or signal */
	{ SCMP_SYS(gettid), ARGS_ANY, NULL },          /* pthread_kill */
	{ SCMP_SYS(tgkill), ARGS_ANY, NULL },          /* pthread_kill */
	{ SCMP_SYS(close), ARGS_ANY, NULL },           /* teardown: rings, disks, taps, KVM */
	{ SCMP_SYS(poll), ARGS_ANY, NULL },            /* console output: waits until stdout takes it */
};

/* The main thread with --stats or --stats-json: the report at the end. */
static const struct rule main_stats_calls[] = {
	{ SCMP_SYS(ioctl), ARGS_IOCTL, main_ioctls },  /* KVM_GET_STATS_FD: KVM's own counters */
	{ SCMP_SYS(pread64), ARGS_ANY, NULL },         /* reads those counters; /proc/self/pagemap and smaps (memmap.c) */
	{ SCMP_SYS(getrusage), ARGS_ANY, NULL },       /* peak RSS */
	{ SCMP_SYS(newfstatat), ARGS_ANY, NULL },      /* guest RAM touched (fstat of its memfd); stdio */
	{ SCMP_SYS(mremap), ARGS_ANY, NULL },          /* realloc of smaps' text, large where ,share made many mappings */
};

/* The main thread with --stats-json; a Linux guest's filter with it too. */
static const struct rule main_stats_json_calls[] = {
	{ SCMP_SYS(openat), ARGS_ANY, NULL },          /* reopens the --stats-json file to write it at the end */
};

/* The main thread with --numa and --stats or --stats-json (numa_place.c). */
static const struct rule main_numa_stats_calls[] = {
	{ SCMP_SYS(move_pages), ARGS_QUERY, NULL },    /* which node each sampled guest RAM page lies on */
};

/* A vCPU thread: the exit loop, hypercalls, trap-and-emulate devices, attaching rings. */
static const struct rule vcpu_calls[] = {
	/* KVM_RUN; KVM_GET_REGS for a fault's message; KVM_IOEVENTFD at attach */
	{ SCMP_SYS(ioctl), ARGS_IOCTL, vcpu_ioctls },
	{ SCMP_SYS(rt_sigtimedwait), ARGS_ANY, NULL }, /* takes a pending kick off after KVM_RUN's EINTR */
	{ SCMP_SYS(poll), ARGS_ANY, NULL },            /* console output: waits until stdout takes it */
	{ SCMP_SYS(eventfd2), ARGS_ANY, NULL },        /* attach: the eventfd behind a doorbell */
	{ SCMP_SYS(io_uring_setup), ARGS_ANY, NULL },  /* attach: the block back end's queue */
	{ SCMP_SYS(close), ARGS_ANY, NULL },           /* an eventfd KVM_IOEVENTFD refused */
	{ SCMP_SYS(pread64), ARGS_ANY, NULL },         /* trap-and-emulate block reads */
	{ SCMP_SYS(pwrite64), ARGS_ANY, NULL },        /* trap-and-emulate block writes */
	{ SCMP_SYS(fdatasync), ARGS_ANY, NULL },       /* trap-and-emulate block flushes */
	{ SCMP_SYS(getpid), ARGS_ANY, NULL },          /* vm_end(): pthread_kill wakes main, kicks the vCPUs */
	{ SCMP_SYS(gettid), ARGS_ANY, NULL },          /* pthread_kill */
	{ SCMP_SYS(tgkill), ARGS_ANY, NULL },          /* pthread_kill */
};

/* A block or net back-end thread (pv-drivers/blkback.c, netback.c). */
static const struct rule backend_calls[] = {
	{ SCMP_SYS(io_uring_enter), ARGS_ANY, NULL },  /* block: submits, sleeps for completions and kicks */
	{ SCMP_SYS(poll), ARGS_ANY, NULL },            /* net: sleeps for a kick or a frame */
	{ SCMP_SYS(read), ARGS_ANY, NULL },            /* net: frames from the tap, the kick counter */
	{ SCMP_SYS(readv), ARGS_ANY, NULL },           /* net: a frame from the tap behind its virtio-net header */
	{ SCMP_SYS(writev), ARGS_ANY, NULL },          /* net: a frame to the tap behind its virtio-net header */
	{ SCMP_SYS(getrusage), ARGS_ANY, NULL },       /* block: its own context switches, at its end */
	/* block ,share (blk_share.c): mmap MAP_FIXED of the image over a read's buffer (every
	 * thread's mmap), then the memfd RAM's pages under it given back */
	{ SCMP_SYS(fallocate), ARGS_ANY, NULL },
};

/* The --numa-policy thread (numa_run.c): sample, decide, move pages. */
static const struct rule policy_calls[] = {
	{ SCMP_SYS(move_pages), ARGS_ANY, NULL },      /* migrates the pages the policy picks (MPOL_MF_MOVE) */
	/* madvise (every thread's): MADV_DONTNEED on the sampled window, so KVM rebuilds its shadow
	 * entries and sets the Accessed bits again; futex: its timed wait for the next period */
};

/* A thread that starts threads which then install their own filter. */
static const struct rule thread_start_calls[] = {
	{ SCMP_SYS(clone), ARGS_THREAD, NULL },        /* pthread_create: threads only */
	{ SCMP_SYS(clone3), ANSWER_ENOSYS, NULL },     /* flags out of the filter's sight: glibc uses clone */
	{ SCMP_SYS(set_robust_list), ARGS_ANY, NULL }, /* the new thread's first steps in glibc */
	{ SCMP_SYS(rseq), ARGS_ANY, NULL },            /* the new thread's first steps in glibc */
	{ SCMP_SYS(seccomp), ARGS_FILTER, NULL },      /* the new thread installs its own, narrower filter */
};

/* The base filter alone: what threads do before their own filter. */
static const struct rule before_own_filter_calls[] = {
	{ SCMP_SYS(rt_sigaction), ARGS_ANY, NULL },    /* glibc's handler at the first pthread_create */
};

/*
 * A Linux guest (linux_vm.c): one filter for all its threads, installed by
 * the main thread before it starts the other vCPUs'. Each vCPU thread runs the
 * guest and its port and MMIO devices (the 8250, i8042, PCI configuration,
 * virtio-pci); the guest's virtio-blk driver, once ready, makes a vCPU thread
 * start the block back end's thread (every block call is in backend_calls);
 * the main thread is vCPU 0 and, at the end, joins the others and reports.
 */
static const unsigned long linux_ioctls[] = { KVM_RUN, KVM_GET_REGS, KVM_GET_MP_STATE, KVM_IRQ_LINE, 0 };
static const struct rule linux_calls[] = {
	/* KVM_RUN; KVM_IRQ_LINE for the 8250's interrupt; KVM_GET_REGS and KVM_GET_MP_STATE
	 * for where each vCPU stood when a timeout or signal ended the run */
	{ SCMP_SYS(ioctl), ARGS_IOCTL, linux_ioctls },
	{ SCMP_SYS(getpid), ARGS_ANY, NULL },          /* pthread_kill: the end kicks the other vCPUs */
	{ SCMP_SYS(gettid), ARGS_ANY, NULL },          /* pthread_kill */
	{ SCMP_SYS(tgkill), ARGS_ANY, NULL },          /* pthread_kill */
	{ SCMP_SYS(eventfd2), ARGS_ANY, NULL },        /* virtio-blk's start: the back end's kick counter */
	{ SCMP_SYS(io_uring_setup), ARGS_ANY, NULL },  /* virtio-blk's start: the back end's queue */
	{ SCMP_SYS(close), ARGS_ANY, NULL },           /* teardown: disks, eventfds, KVM */
	{ SCMP_SYS(mincore), ARGS_ANY, NULL },         /* the guest RAM that is resident, for the report */
	{ SCMP_SYS(pread64), ARGS_ANY, NULL },         /* /proc/self/status (opened before): lwvmm's own memory */
	{ SCMP_SYS(newfstatat), ARGS_ANY, NULL },      /* stdio (fstat of stdout, of the --stats-json file) */
	{ SCMP_SYS(lseek), ARGS_ANY, NULL },           /* stdio */
};

/* The base filter with --numa: a vCPU thread's first steps, before its own filter. */
static const struct rule numa_pin_calls[] = {
	{ SCMP_SYS(sched_setaffinity), ARGS_ANY, NULL }, /* it pins itself to its node's CPUs */
	{ SCMP_SYS(gettid), ARGS_ANY, NULL },            /* its thread id, for the report */
};

struct list {
	const struct rule *rules;
	size_t n;
};
#define LIST(a) { a, sizeof(a) / sizeof(a[0]) }

static const char *const kind_label[SECCOMP_KINDS] = {
	[SECCOMP_BASE] = "a thread under the base filter",
	[SECCOMP_MAIN] = "the main thread",
	[SECCOMP_VCPU] = "a vCPU thread",
	[SECCOMP_BACKEND] = "a back-end thread",
	[SECCOMP_POLICY] = "the --numa-policy thread",
	[SECCOMP_LINUX] = "a thread of a Linux guest's monitor",
};
static const char *const kind_name[SECCOMP_KINDS] = {
	[SECCOMP_BASE] = "base", [SECCOMP_MAIN] = "main", [SECCOMP_VCPU] = "vcpu",
	[SECCOMP_BACKEND] = "backend", [SECCOMP_POLICY] = "policy", [SECCOMP_LINUX] = "linux",
};

/* System call names by number, from the kernel headers at build time (build.mk). */
static const char *const syscall_names[] = {
#include "syscall_names.h"
};

static struct {
	int enabled;                 /* 0: --no-seccomp */
	int linux_guest;             /* seccomp_prepare_linux(): one filter, SECCOMP_LINUX, for every thread */
	int log_only;                /* LWVMM_SECCOMP_LOG=1: a forbidden call is logged (dmesg), not stopped */
	int started;                 /* seccomp_start() ran to its end */
	int no_new_privs;
	const char *capabilities;    /* "dropped", "none held", ... */
	int calls[SECCOMP_KINDS];    /* system calls each kind's filter allows */
	struct sock_fprog prog[SECCOMP_KINDS];
	atomic_int selftest;         /* the kind that makes one forbidden call, or -1 */
} sc = { .selftest = -1 };

static __thread enum seccomp_kind thread_kind = SECCOMP_BASE;

/* --- the SIGSYS handler: async-signal-safe calls only --- */

static size_t append(char *buf, size_t at, size_t cap, const char *s)
{
	while (*s && at + 1 < cap)
		buf[at++] = *s++;
	return at;
}

static size_t append_number(char *buf, size_t at, size_t cap, unsigned long v)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(digits));
	while (n > 0 && at + 1 < cap)
		buf[at++] = digits[--n];
	return at;
}

static void on_sigsys(int sig, siginfo_t *info, void *ucontext)
{
	char msg[256];
	size_t at = 0, cap = sizeof(msg);
	unsigned nr = (unsigned)info->si_syscall;
	const char *name = nr < sizeof(syscall_names) / sizeof(syscall_names[0]) ? syscall_names[nr] : NULL;

	(void)sig;
	(void)ucontext;
	at = append(msg, at, cap, "lwvmm: seccomp: ");
	at = append(msg, at, cap, kind_label[sc.linux_guest ? SECCOMP_LINUX : thread_kind]);
	at = append(msg, at, cap, " made the system call ");
	at = append(msg, at, cap, name ? name : "(unnamed)");
	at = append(msg, at, cap, " (number ");
	at = append_number(msg, at, cap, nr);
	at = append(msg, at, cap, "), which its filter forbids; lwvmm stops (exit 70)\n");
	if (write(STDERR_FILENO, msg, at) < 0)
		_exit(LWVMM_EXIT_GUEST_FAULT);
	_exit(LWVMM_EXIT_GUEST_FAULT);
}

/* --- building the filters --- */

static int add_rule(scmp_filter_ctx ctx, const struct rule *r)
{
	int rc = 0;

	switch (r->check) {
	case ARGS_ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
	case ARGS_NO_EXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	case ARGS_THREAD:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	case ARGS_FILTER:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 2,
					SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER), SCMP_A1(SCMP_CMP_EQ, 0));
	case ARGS_QUERY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1, SCMP_A3(SCMP_CMP_EQ, 0));
	case ANSWER_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), r->nr, 0);
	case ARGS_IOCTL:
		/* The request is an unsigned int to the kernel: compare its low 32 bits. */
		for (const unsigned long *req = r->ioctls; *req && rc == 0; req++)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
					      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, *req));
		return rc;
	}
	return -EINVAL;
}

/* What the run's options add to the lists. */
struct needs {
	int stats, stats_json, numa, numa_policy;
};

/* The lists that make up a kind's filter; NULL-terminated in `out`. */
static void lists_of(enum seccomp_kind kind, const struct needs *c, struct list *out)
{
	static const struct list every = LIST(every_thread_calls), main_l = LIST(main_calls),
		stats = LIST(main_stats_calls), stats_json = LIST(main_stats_json_calls),
		vcpu = LIST(vcpu_calls), backend = LIST(backend_calls),
		start = LIST(thread_start_calls), before = LIST(before_own_filter_calls),
		numa_stats = LIST(main_numa_stats_calls), numa_pin = LIST(numa_pin_calls),
		policy = LIST(policy_calls), linux_l = LIST(linux_calls);
	int n = 0;
	int want_main = kind == SECCOMP_MAIN || kind == SECCOMP_BASE;

	out[n++] = every;
	if (kind == SECCOMP_LINUX) {
		out[n++] = linux_l;
		if (c->stats_json)
			out[n++] = stats_json;
		out[n++] = start;        /* the other vCPUs' threads and the block back end's, */
		out[n++] = before;       /* (glibc's first pthread_create) */
		out[n++] = backend;      /* which run under this same filter */
		out[n] = (struct list){ NULL, 0 };
		return;
	}
	if (want_main)
		out[n++] = main_l;
	if (want_main && (c->stats || c->stats_json))
		out[n++] = stats;
	if (want_main && c->stats_json)
		out[n++] = stats_json;
	if (want_main && c->numa && (c->stats || c->stats_json))
		out[n++] = numa_stats;
	if (kind == SECCOMP_VCPU || kind == SECCOMP_BASE) {
		out[n++] = vcpu;         /* the vCPU's own calls */
		out[n++] = start;        /* it starts the back-end threads, */
		out[n++] = backend;      /* which inherit its filter */
	}
	if (kind == SECCOMP_BACKEND)
		out[n++] = backend;
	if (kind == SECCOMP_BASE)
		out[n++] = before;
	if (kind == SECCOMP_BASE && c->numa)
		out[n++] = numa_pin;
	if ((kind == SECCOMP_POLICY || kind == SECCOMP_BASE) && c->numa_policy)
		out[n++] = policy;
	out[n] = (struct list){ NULL, 0 };
}

/* Builds the kind's filter as a BPF program in sc.prog[kind]. */
static int build_filter(enum seccomp_kind kind, const struct needs *c, char *why, size_t why_len)
{
	struct list lists[12];
	unsigned char allowed[1024] = { 0 };
	uint32_t forbidden = sc.log_only ? SCMP_ACT_LOG : SCMP_ACT_TRAP;
	scmp_filter_ctx ctx = seccomp_init(forbidden);
	int rc = ctx ? 0 : -ENOMEM, fd = -1;

	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);   /* a binary tree of calls */
	lists_of(kind, c, lists);
	for (struct list *l = lists; rc == 0 && l->rules; l++) {
		for (size_t i = 0; rc == 0 && i < l->n; i++) {
			rc = add_rule(ctx, &l->rules[i]);
			if (rc == -EEXIST)
				rc = 0;   /* the same rule from two lists */
			if (l->rules[i].check != ANSWER_ENOSYS && !allowed[l->rules[i].nr]) {
				allowed[l->rules[i].nr] = 1;
				sc.calls[kind]++;
			}
		}
	}
	/* libseccomp 2.5 exports to a file descriptor only: a memfd, read back. */
	if (rc == 0 && (fd = memfd_create("lwvmm-seccomp", MFD_CLOEXEC)) < 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_export_bpf(ctx, fd);
	off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	struct sock_filter *prog = size > 0 ? malloc((size_t)size) : NULL;
	if (rc == 0 && (!prog || pread(fd, prog, (size_t)size, 0) != size))
		rc = -EIO;
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	if (rc < 0) {
		free(prog);
		snprintf(why, why_len, "seccomp: cannot build the %s filter: %s", kind_name[kind], strerror(-rc));
		errno = -rc;   /* the caller tells a resource (EMFILE, ENOMEM) from the rest */
		return -1;
	}
	sc.prog[kind] = (struct sock_fprog){ .len = (unsigned short)(size / sizeof(*prog)), .filter = prog };
	return 0;
}

static int load_filter(enum seccomp_kind kind)
{
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &sc.prog[kind]);
}

/* All capabilities, the bounding set too where we may (CAP_SETPCAP). */
static int drop_capabilities(char *why, size_t why_len)
{
	if (capng_get_caps_process() != 0) {
		snprintf(why, why_len, "cannot read this process's capabilities");
		return -1;
	}
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) {
		sc.capabilities = "none held";
		return 0;
	}
	int bounds = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_ALL);
	capng_select_t what = bounds ? CAPNG_SELECT_ALL : (capng_select_t)(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	if (capng_apply(what) != 0) {
		snprintf(why, why_len, "cannot drop the capabilities");
		return -1;
	}
	sc.capabilities = bounds ? "dropped" : "dropped (bounding set kept: no CAP_SETPCAP)";
	return 0;
}

static int parse_selftest(char *why, size_t why_len)
{
	const char *want = getenv("LWVMM_SECCOMP_SELFTEST");

	if (!want || !*want)
		return 0;
	for (int k = SECCOMP_MAIN; k < SECCOMP_KINDS; k++) {
		if (strcmp(want, kind_name[k]) == 0) {
			atomic_store(&sc.selftest, k);
			return 0;
		}
	}
	snprintf(why, why_len, "LWVMM_SECCOMP_SELFTEST='%s': give main, vcpu, backend, policy or linux", want);
	return -1;
}

/* The debugging hook: a call another kind may make and this one may not. */
static void selftest_forbidden_call(enum seccomp_kind kind)
{
	int want = (int)kind;

	if (!atomic_compare_exchange_strong(&sc.selftest, &want, -1))
		return;
	if (kind == SECCOMP_LINUX) {  /* a Linux guest's monitor has no sockets (no virtio-net yet) */
		long fd = syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			close((int)fd);
	} else if (kind == SECCOMP_VCPU) {   /* only the main thread opens files (--stats-json) */
		long fd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close((int)fd);
	} else {                      /* only vCPU threads run the guest */
		(void)syscall(SYS_ioctl, -1, KVM_RUN, 0);
	}
}

void seccomp_confine_backend(void)
{
	seccomp_confine(SECCOMP_BACKEND);
}

/* LWVMM_SECCOMP_LOG=1: what a developer sets to find a call missing from a list. */
static void parse_log_only(void)
{
	const char *v = getenv("LWVMM_SECCOMP_LOG");

	sc.log_only = v && strcmp(v, "1") == 0;
}

int seccomp_prepare(const struct vm_config *c, char *why, size_t why_len, int *status)
{
	struct needs n = { .stats = c->print_stats, .stats_json = c->stats_json_path != NULL,
			   .numa = c->numa_spec != NULL, .numa_policy = c->numa_policy_spec != NULL };

	thread_kind = SECCOMP_MAIN;
	sc.enabled = !c->no_seccomp;
	parse_log_only();
	*status = LWVMM_EXIT_USAGE;
	if (parse_selftest(why, why_len) < 0)
		return -1;
	*status = LWVMM_EXIT_UNAVAILABLE;
	for (int k = 0; sc.enabled && k < SECCOMP_LINUX; k++) {
		if (build_filter((enum seccomp_kind)k, &n, why, why_len) < 0)
			return -1;
	}
	return 0;
}

int seccomp_prepare_linux(int no_seccomp, int stats_json, char *why, size_t why_len, int *status)
{
	struct needs n = { .stats_json = stats_json };

	sc.linux_guest = 1;
	thread_kind = SECCOMP_LINUX;
	sc.enabled = !no_seccomp;
	parse_log_only();
	*status = LWVMM_EXIT_USAGE;
	if (parse_selftest(why, why_len) < 0)
		return -1;
	*status = LWVMM_EXIT_UNAVAILABLE;
	return sc.enabled ? build_filter(SECCOMP_LINUX, &n, why, why_len) : 0;
}

int seccomp_start(char *why, size_t why_len, int *status)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

	*status = LWVMM_EXIT_UNAVAILABLE;
	if (drop_capabilities(why, why_len) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(why, why_len, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	sc.no_new_privs = 1;
	enum seccomp_kind first = sc.linux_guest ? SECCOMP_LINUX : SECCOMP_BASE;
	if (sc.enabled && (sigaction(SIGSYS, &sa, NULL) != 0 || load_filter(first) != 0)) {
		snprintf(why, why_len, "seccomp: cannot install the filter: %s (--no-seccomp runs without)",
			 strerror(errno));
		return -1;
	}
	sc.started = 1;
	if (sc.enabled && sc.linux_guest)
		selftest_forbidden_call(SECCOMP_LINUX);
	return 0;
}

void seccomp_confine(enum seccomp_kind kind)
{
	thread_kind = kind;
	if (sc.enabled && load_filter(kind) != 0) {
		/* It worked in the main thread: a thread must not run on unconfined. */
		char msg[160];
		int n = snprintf(msg, sizeof(msg), "lwvmm: seccomp: cannot install the %s filter: %s\n",
				 kind_name[kind], strerror(errno));
		if (write(STDERR_FILENO, msg, (size_t)n) < 0)
			_exit(LWVMM_EXIT_UNAVAILABLE);
		_exit(LWVMM_EXIT_UNAVAILABLE);
	}
	selftest_forbidden_call(kind);
}

void seccomp_print_stats(FILE *out)
{
	if (!sc.started)
		return;
	if (sc.enabled && sc.linux_guest)
		fprintf(out, "  seccomp: %d calls, one filter for every thread", sc.calls[SECCOMP_LINUX]);
	else if (sc.enabled)
		fprintf(out, "  seccomp: vcpu %d calls, backend %d, main %d (base %d)",
			sc.calls[SECCOMP_VCPU], sc.calls[SECCOMP_BACKEND], sc.calls[SECCOMP_MAIN],
			sc.calls[SECCOMP_BASE]);
	else
		fprintf(out, "  seccomp: off (--no-seccomp)");
	fprintf(out, "; no_new_privs; capabilities %s\n", sc.capabilities);
}

void seccomp_json_stats(FILE *out)
{
	fprintf(out, "\"seccomp\":{\"enabled\":%s", sc.enabled ? "true" : "false");
	if (sc.enabled && sc.log_only)
		fprintf(out, ",\"log_only\":true");
	if (sc.enabled && sc.linux_guest)
		fprintf(out, ",\"calls\":{\"linux\":%d}", sc.calls[SECCOMP_LINUX]);
	else if (sc.enabled)
		fprintf(out, ",\"calls\":{\"vcpu\":%d,\"backend\":%d,\"main\":%d,\"base\":%d,\"policy\":%d}",
			sc.calls[SECCOMP_VCPU], sc.calls[SECCOMP_BACKEND], sc.calls[SECCOMP_MAIN],
			sc.calls[SECCOMP_BASE], sc.calls[SECCOMP_POLICY]);
	fprintf(out, ",\"no_new_privs\":%s,\"capabilities\":\"%s\"}", sc.no_new_privs ? "true" : "false",
		sc.capabilities ? sc.capabilities : "kept");
}
