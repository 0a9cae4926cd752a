/*
 * The contract between lwvmm and its built-in guest: the guest-physical
 * memory layout, the boot information page and the hypercall ABI.
 *
 * This one header is included by the monitor (lwvmm/) and by the guest
 * (lwvmm/guest/), so both sides always agree. It uses only fixed-width types
 * and no libc, because the guest is freestanding.
 *
 * How a hypercall works (the guest runs at CPL3 and cannot trap, see
 * shared/HOST.md):
 *   1. the guest fills its vCPU's hypercall block (one page per vCPU) with
 *      up to HC_BATCH_MAX requests, each a call number and six arguments;
 *   2. it writes the block's guest-physical address to the doorbell page at
 *      offset DOORBELL_CALL. No memory slot backs that page, so the write
 *      exits to the monitor (KVM_EXIT_MMIO);
 *   3. the monitor copies the block, validates and runs every request in
 *      order, stores each result in `ret` and resumes the vCPU.
 * A batch of requests costs one exit, as in Xen's multicalls.
 *
 * A write to DOORBELL_NOTIFY needs no reply: the monitor registers it with
 * KVM_IOEVENTFD, so KVM only signals an eventfd and the vCPU never leaves
 * the kernel. Later event channels use further notify offsets.
 *
 * The block must be the calling vCPU's own (LW_HCBLOCK_GPA + index pages);
 * every buffer a request names must lie in RAM the guest owns: at or above
 * LW_IMAGE_GPA and over no attached ring.
 *
 * Adding a hypercall: a number below HC_COUNT here, a check of its arguments
 * in lwvmm/hypercall_check.c, and one line (number, name, check, handler) in
 * the table of lwvmm/hypercall.c with its handler; the block layout never
 * changes.
 */
#ifndef LWVMM_ABI_H
#define LWVMM_ABI_H

#include <stdint.h>

/* Guest-physical layout. RAM starts at 0 and is identity mapped. */
#define LW_PAGE_SIZE        0x1000ULL
#define LW_LARGE_PAGE_SIZE  0x200000ULL
#define LW_BOOTINFO_GPA     0x1000ULL   /* struct lw_bootinfo, one page */
#define LW_HCBLOCK_GPA      0x2000ULL   /* one struct hc_block per vCPU */
#define LW_MAX_VCPUS        64
#define LW_EVTCHN_GPA       0x80000ULL  /* struct lw_evtchn_page, read-write */
#define LW_PAGETABLE_GPA    0x100000ULL /* monitor-owned, not guest visible */
#define LW_PAGETABLE_SIZE   0x100000ULL
#define LW_IMAGE_GPA        0x200000ULL /* the guest ELF is linked here */
#define LW_STACK_SIZE       0x40000ULL  /* per vCPU, above the image */
#define LW_MAX_MEM          (256ULL << 30) /* the page-table area maps less: pagetable_max_mem() */
#define LW_DOORBELL_GPA     (512ULL << 30) /* no memory slot: writes exit */
#define LW_MMIO_GPA         (LW_DOORBELL_GPA + 0x1000) /* trap-and-emulate registers */

/* Offsets inside the doorbell page. */
#define DOORBELL_CALL       0x0   /* value: GPA of the caller's hc_block */
#define DOORBELL_NOTIFY     0x8   /* ioeventfd, no exit, no reply */
#define DOORBELL_EVTCHN     0x100 /* + 8 * port: event channel, front end to back end */

/*
 * Event channels, back end to front end: the back end sets the port's bit in
 * `pending` and wakes any vCPU blocked in HC_EVTCHN_WAIT. The guest clears
 * the bits it handles (atomically). PVM guests take no interrupts, so this
 * is how a front end waits for a back end.
 */
#define LW_MAX_PORTS 64
struct lw_evtchn_page {
	uint64_t pending;
};

/* Devices given on the command line, described in the boot information. */
enum lw_device_type {
	LW_DEV_NONE = 0,
	LW_DEV_BLOCK = 1,    /* ring (HC_DEVICE_ATTACH) or trap-and-emulate registers */
	LW_DEV_CONSOLE = 2,  /* output ring */
	LW_DEV_NET = 3,
};
#define LW_DEV_READONLY 0x1
#define LW_DEV_NET_CSUM_OFFLOAD 0x2   /* net: checksums may be left blank both ways (netif.h) */
#define LW_MAX_DEVICES 8

struct lw_device_desc {
	uint32_t type;
	uint32_t flags;
	uint64_t size;       /* bytes (block devices) */
	/* network devices: addresses in network byte order */
	uint8_t mac[6];
	uint16_t mtu;
	uint32_t ip;         /* the guest's */
	uint32_t netmask;
	uint32_t gateway;    /* the host end of the link */
};

/*
 * Trap-and-emulate block registers, for comparison with the rings: device d's
 * registers are at LW_MMIO_GPA + d * MMIO_BLK_STRIDE. Every access exits to
 * the monitor, as every access to an emulated disk controller does.
 */
#define MMIO_BLK_STRIDE  0x40
#define MMIO_BLK_OFFSET  0x00   /* byte offset on the disk */
#define MMIO_BLK_BUFFER  0x08   /* GPA of the buffer */
#define MMIO_BLK_LENGTH  0x10
#define MMIO_BLK_COMMAND 0x18   /* write BLK_OP_*: the monitor performs it at once */
#define MMIO_BLK_STATUS  0x20   /* read: 0 or a negative errno of the last command */

/* Hypercall numbers. */
enum hc_nr {
	HC_NULL = 0,          /* does nothing: measures the exit cost */
	HC_CONSOLE_WRITE = 1, /* arg0 = GPA of bytes, arg1 = length */
	HC_EXIT = 2,          /* arg0 = exit status (0..255); ends the VM */
	HC_TIME = 3,          /* ret = host CLOCK_MONOTONIC in ns */
	HC_VCPU_PARK = 4,     /* sleep until woken (returns at once if a wake is pending) */
	HC_VCPU_WAKE = 5,     /* arg0 = vCPU index to wake */
	HC_DEVICE_ATTACH = 6, /* arg0 = device, arg1 = ring GPA, arg2 = ring bytes; ret = event port */
	HC_EVTCHN_WAIT = 7,   /* arg0 = port mask, arg1 = timeout ns (0: none): sleep until
			       * a port is pending; ret = pending & mask (0 on timeout) */
	HC_MEM_RELEASE = 8,   /* arg0 = GPA, arg1 = bytes, whole pages of guest-owned RAM: the
			       * guest gives them back to the host (they read as zero after);
			       * ret = 0, or LW_EBUSY where the monitor keeps them (a ,share
			       * disk or --numa-policy maps guest RAM itself): zero them then */
	HC_COUNT
};

/*
 * The one set of errors, in hypercall results (hc_request.ret) and in ring
 * responses (blkif.h, netif.h) alike: negated errno values, as in Linux.
 */
#define LW_EIO     (-5)
#define LW_EFAULT  (-14)
#define LW_EBUSY   (-16)
#define LW_ENODEV  (-19)
#define LW_EINVAL  (-22)
#define LW_ENOSPC  (-28)
#define LW_EROFS   (-30)
#define LW_ENOSYS  (-38)

struct hc_request {
	uint64_t nr;
	uint64_t arg[6];
	int64_t ret;
};

#define HC_BATCH_MAX 63

/* Exactly one page: count, then the requests. */
struct hc_block {
	uint32_t count;
	uint32_t reserved;
	uint64_t pad;
	struct hc_request req[HC_BATCH_MAX];
};

#define LW_BOOTINFO_MAGIC 0x6c77766d6d626f6fULL /* "lwvmmboo" */
#define LW_MAX_ARGS       32
#define LW_ARGS_BYTES     2048

/* Written by the monitor before the first instruction; read-only by convention. */
struct lw_bootinfo {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t ncpus;
	uint64_t mem_size;      /* bytes of RAM, identity mapped from GPA 0 */
	uint64_t heap_start;    /* first free byte after image and stacks */
	uint64_t heap_end;
	uint64_t tsc_khz;       /* the guest's TSC frequency, from KVM_GET_TSC_KHZ */
	uint64_t doorbell_gpa;
	uint64_t stack_base;    /* vCPU i's stack is [stack_base + i*stack_size, +stack_size) */
	uint64_t stack_size;
	uint32_t ndevices;
	uint32_t reserved2;
	struct lw_device_desc devices[LW_MAX_DEVICES];
	uint32_t argc;          /* argv[0] is the workload name */
	uint32_t reserved;
	uint64_t argv_offset[LW_MAX_ARGS]; /* offsets into args[] */
	char args[LW_ARGS_BYTES];
};

/*
 * Linux guests (lwvmm run --kernel): the program the guest runs reports its
 * exit status by writing one byte to this I/O port (outb from a process with
 * ioperm, e.g. tests/lab/linux_init.c); lwvmm ends the run at once and exits
 * with that byte. The same port as QEMU's isa-debug-exit, but the value is
 * passed through unchanged.
 */
#define LW_LINUX_EXIT_PORT 0x501

#define LW_ABI_VERSION 1

#endif
