/*
 * A Linux guest: one KVM VM with KVM's in-kernel interrupt controllers and
 * PIT, RAM from guest_ram.c, the kernel laid out by linux_boot.c, and the
 * exit loop below, which serves port I/O (the UART, lwvmm's exit port, the
 * keyboard controller of i8042.c, whose reset ends the run, the CMOS clock). See linux_vm.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "i8042.h"
#include "linux_acpi.h"
#include "linux_boot.h"
#include "linux_vm.h"
#include "pci.h"
#include "seccomp.h"
#include "uart8250.h"
#include "virtio_blk.h"
#include "vm.h"
#include "x86.h"

#define DEFAULT_CMDLINE "console=ttyS0 reboot=k panic=-1 i8042.noaux i8042.nokbd i8042.nopnp"
/* One vCPU: no ACPI tables, and Linux told so (it then runs on the 8259 PIC and the PIT). */
#define ONE_CPU_CMDLINE " acpi=off"
#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT 0x71
#define TSS_GPA 0xfffbd000ULL   /* three pages KVM on VMX needs for real mode; unused otherwise */

struct linux_vm;

struct linux_vcpu {
	struct linux_vm *l;
	int index;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	int started;
	uint64_t exits_io, exits_mmio;
};

struct linux_vm {
	const struct linux_config *c;
	struct vm kvm;             /* kvm_fd, vm_fd, flavour (kvm.c) */
	struct guest_memory mem;
	struct linux_vcpu vcpu[LW_MAX_VCPUS];
	int ncpus;
	size_t run_size;
	/* The devices and how the run ends are shared by the vCPU threads: one (recursive) lock. */
	pthread_mutex_t lock;
	atomic_int ended;
	struct uart8250 uart;
	struct i8042 keyboard;   /* the controller only: its reset ends the run */
	struct pci_bus pci;
	struct virtio_blk *disks[LINUX_MAX_DISKS];   /* virtio-blk functions 00:01.0 and on */
	int disk_fds[LINUX_MAX_DISKS][2];            /* their kick and interrupt eventfds */
	int ndisks;
	uint8_t cmos_index;
	uint16_t last_unknown_port;
	char out[4096];            /* serial output waiting to be written to stdout */
	size_t out_len;
	int status_written, status;
	const char *ended_by;
	uint64_t unknown_ports;
	uint64_t t_start_ns, t_first_run_ns, t_end_ns;
	uint64_t rss_own_kib, rss_guest_kib;   /* at the end, before the RAM is unmapped */
	int status_fd;                         /* /proc/self/status, opened before the seccomp filter */
};

static volatile sig_atomic_t stop_signal;
static __thread struct kvm_run *this_run;   /* the calling vCPU thread's */

/* SIGINT, SIGTERM, SIGALRM (--timeout), and SIGUSR1, the kick of another vCPU thread. */
static void on_stop(int sig)
{
	if (sig != SIGUSR1)
		stop_signal = sig;
	if (this_run)
		this_run->immediate_exit = 1;   /* a KVM_RUN about to start returns at once */
}

static void flush_output(struct linux_vm *l)
{
	size_t done = 0;

	while (done < l->out_len) {
		ssize_t n = write(STDOUT_FILENO, l->out + done, l->out_len - done);
		if (n <= 0)
			break;   /* a closed or broken stdout loses the console, not the run */
		done += (size_t)n;
	}
	l->out_len = 0;
}

static void uart_output(void *ctx, uint8_t byte)
{
	struct linux_vm *l = ctx;

	l->out[l->out_len++] = (char)byte;
	if (byte == '\n' || l->out_len == sizeof(l->out))
		flush_output(l);
}

static void uart_irq(void *ctx, int level)
{
	struct linux_vm *l = ctx;
	struct kvm_irq_level irq = { .irq = UART_COM1_IRQ, .level = (uint32_t)level };

	if (ioctl(l->kvm.vm_fd, KVM_IRQ_LINE, &irq) < 0)
		fprintf(stderr, "lwvmm: KVM_IRQ_LINE %d: %s\n", UART_COM1_IRQ, strerror(errno));
}

/* The first end wins; the other vCPU threads are kicked out of KVM_RUN. */
static int end_run(struct linux_vm *l, int status, const char *by)
{
	pthread_mutex_lock(&l->lock);
	if (!atomic_load(&l->ended)) {
		l->status = status;
		l->ended_by = by;
		atomic_store(&l->ended, 1);
		for (int i = 0; i < l->ncpus; i++) {
			if (l->vcpu[i].started && !pthread_equal(l->vcpu[i].thread, pthread_self()))
				pthread_kill(l->vcpu[i].thread, SIGUSR1);
		}
	}
	pthread_mutex_unlock(&l->lock);
	return 1;
}

/*
 * A CMOS register: a clock stopped at 2000-01-01 00:00:00 (binary, 24-hour),
 * never updating (register A: UIP clear), battery good (register D).
 */
static uint8_t cmos_read(uint8_t index)
{
	switch (index) {
	case 0x07: return 1;      /* day of the month */
	case 0x08: return 1;      /* month */
	case 0x0b: return 0x06;   /* status B: 24-hour, binary */
	case 0x0d: return 0x80;   /* status D: valid RAM and time */
	case 0x32: return 20;     /* century */
	default: return 0;
	}
}

/* One byte (or word) of port I/O. 1 when it ends the run. */
static int port_access(struct linux_vm *l, uint16_t port, int is_out, uint8_t *data, int size)
{
	if (port >= UART_COM1_PORT && port < UART_COM1_PORT + 8) {
		if (is_out)
			uart8250_write(&l->uart, port - UART_COM1_PORT, data[0]);
		else
			data[0] = uart8250_read(&l->uart, port - UART_COM1_PORT);
		return 0;
	}
	if (port == LW_LINUX_EXIT_PORT && is_out) {
		l->status_written = 1;
		return end_run(l, data[0], "exit-port");
	}
	if (port == I8042_DATA_PORT || port == I8042_COMMAND_PORT) {
		if (!is_out) {
			data[0] = i8042_read(&l->keyboard, port);
			return 0;
		}
		if (!i8042_write(&l->keyboard, port, data[0]))
			return 0;
		if (l->status_written)
			return end_run(l, l->status, "reset");
		fprintf(stderr, "lwvmm: the guest reset itself (reboot) without writing its exit "
			"status to port 0x%x\n", LW_LINUX_EXIT_PORT);
		return end_run(l, LWVMM_EXIT_GUEST_FAULT, "reset");
	}
	/* The CMOS RTC: only what keeps Linux from polling it. With nothing there its
	 * "update in progress" bit reads 1 forever and Linux spins on it for a second. */
	if (port == CMOS_INDEX_PORT || port == CMOS_DATA_PORT) {
		if (is_out && port == CMOS_INDEX_PORT)
			l->cmos_index = data[0] & 0x7f;
		else if (!is_out)
			data[0] = cmos_read(l->cmos_index);
		return 0;
	}
	if (pci_port_access(&l->pci, port, is_out, data, size))
		return 0;
	/* No device: reads float high, writes go nowhere (as on a bare ISA bus). */
	if (!is_out)
		memset(data, 0xff, (size_t)size);
	if (port != 0x80) {   /* 0x80: Linux's I/O delay port */
		l->unknown_ports++;
		l->last_unknown_port = port;
	}
	return 0;
}

static int handle_io(struct linux_vm *l, struct kvm_run *r)
{
	uint8_t *data = (uint8_t *)r + r->io.data_offset;
	int ends = 0;

	pthread_mutex_lock(&l->lock);
	for (uint32_t i = 0; i < r->io.count && !ends; i++) {
		ends = port_access(l, r->io.port, r->io.direction == KVM_EXIT_IO_OUT, data, r->io.size);
		data += r->io.size;
	}
	pthread_mutex_unlock(&l->lock);
	return ends;
}

static int read_file(const char *what, const char *path, uint8_t **buf, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "lwvmm: %s %s: %s\n", what, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*size = (size_t)st.st_size;
	*buf = malloc(*size ? *size : 1);
	size_t done = 0;
	while (*buf && done < *size) {
		ssize_t n = read(fd, *buf + done, *size - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	if (!*buf || done != *size) {
		fprintf(stderr, "lwvmm: %s %s: cannot read it whole\n", what, path);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

/* 64-bit mode at CPL0 on the loader's page tables and GDT, as the boot protocol asks. */
static int setup_bsp(struct linux_vm *l, uint64_t entry, char *why, size_t why_len)
{
	int fd = l->vcpu[0].fd;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 0x2, .rip = entry, .rsi = LINUX_ZERO_PAGE_GPA };
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = LINUX_BOOT_CS,
		.type = 0xb, .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1 };
	struct kvm_segment data = { .base = 0, .limit = 0xffffffff, .selector = LINUX_BOOT_DS,
		.type = 0x3, .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1 };

	if (ioctl(fd, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(why, why_len, "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.tr = (struct kvm_segment){ .limit = 0xffff, .type = 0xb, .present = 1, .s = 0 };
	sregs.ldt = (struct kvm_segment){ .unusable = 1 };
	sregs.gdt.base = LINUX_GDT_GPA;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = 0x80000011;   /* PG, ET, PE */
	sregs.cr3 = LINUX_PML4_GPA;
	sregs.cr4 = 0x20;         /* PAE */
	sregs.efer = 0x500;       /* LME, LMA */
	if (ioctl(fd, KVM_SET_SREGS, &sregs) < 0 || ioctl(fd, KVM_SET_REGS, &regs) < 0 ||
	    ioctl(fd, KVM_SET_FPU, &fpu) < 0) {
		snprintf(why, why_len, "setting the vCPU's registers: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static const uint8_t disk_irqs[LINUX_MAX_DISKS] = { 10, 11, 5, 9 };   /* free legacy lines */

static void virtio_bar(void *ctx, uint64_t off, int is_write, uint8_t *data, uint32_t len)
{
	virtio_pci_bar_access(ctx, off, is_write, data, len);
}

/*
 * Each --disk: its back end opened, a PCI function with the virtio
 * capabilities, an ioeventfd on its notify address and an irqfd on its
 * line. -1 with `why`; *usage tells a disk the user named wrong (64) from a
 * host failure.
 */
static int setup_disks(struct linux_vm *l, int *usage, char *why, size_t why_len)
{
	const struct linux_config *c = l->c;

	pci_bus_init(&l->pci);
	for (int i = 0; i < c->ndisks; i++) {
		struct virtio_blk *v = calloc(1, sizeof(*v));
		int kick = eventfd(0, EFD_CLOEXEC), irq = eventfd(0, EFD_CLOEXEC);

		l->disks[i] = v;
		l->disk_fds[i][0] = kick;
		l->disk_fds[i][1] = irq;
		l->ndisks = i + 1;
		if (!v || kick < 0 || irq < 0) {
			snprintf(why, why_len, "--disk %s: %s", c->disks[i], strerror(errno));
			return -1;
		}
		if (virtio_blk_open(v, c->disks[i], &l->mem, kick, irq, why, why_len) < 0) {
			*usage = 1;
			return -1;
		}
		struct pci_fn fn = { .bar_access = virtio_bar, .ctx = &v->vp };
		virtio_pci_config_space(&v->vp, fn.cfg);
		uint64_t bar = pci_add_fn(&l->pci, &fn, VIRTIO_PCI_BAR_SIZE, disk_irqs[i]);
		struct kvm_ioeventfd io = { .addr = bar + VIRTIO_PCI_NOTIFY, .len = 2, .fd = kick };
		struct kvm_irqfd irqfd = { .fd = (uint32_t)irq, .gsi = disk_irqs[i] };
		if (ioctl(l->kvm.vm_fd, KVM_IOEVENTFD, &io) < 0 || ioctl(l->kvm.vm_fd, KVM_IRQFD, &irqfd) < 0) {
			snprintf(why, why_len, "--disk %s: KVM_IOEVENTFD or KVM_IRQFD: %s", c->disks[i],
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The back ends stopped (after their requests in flight), the disks closed, once. */
static void close_disks(struct linux_vm *l)
{
	for (int i = 0; i < l->ndisks; i++) {
		if (l->disks[i]) {
			if (l->disks[i]->blk.path[0])
				virtio_blk_close(l->disks[i]);
			free(l->disks[i]);
			l->disks[i] = NULL;
		}
		for (int k = 0; k < 2; k++) {
			if (l->disk_fds[i][k] >= 0)
				close(l->disk_fds[i][k]);
			l->disk_fds[i][k] = -1;
		}
	}
	l->ndisks = 0;
}

/* The VM, its platform devices, RAM with the kernel in it, and the vCPU. */
static int setup(struct linux_vm *l, char *why, size_t why_len)
{
	const struct linux_config *c = l->c;
	uint8_t *kernel = NULL, *initrd = NULL;
	size_t kernel_size = 0, initrd_size = 0;
	struct linux_image img;
	char cmdline[LINUX_CMDLINE_MAX];
	int rc = -1;

	if (read_file("--kernel", c->kernel, &kernel, &kernel_size) < 0 ||
	    (c->initrd && read_file("--initrd", c->initrd, &initrd, &initrd_size) < 0)) {
		free(kernel);
		return LWVMM_EXIT_USAGE;
	}
	if (linux_image_parse(&img, kernel, kernel_size, why, why_len) < 0) {
		fprintf(stderr, "lwvmm: --kernel %s: %s\n", c->kernel, why);
		rc = LWVMM_EXIT_USAGE;
		goto out;
	}
	snprintf(cmdline, sizeof(cmdline), "%s%s%s%s", DEFAULT_CMDLINE,
		 c->ncpus == 1 ? ONE_CPU_CMDLINE : "", c->append ? " " : "", c->append ? c->append : "");
	rc = LWVMM_EXIT_UNAVAILABLE;
	if (kvm_create_vm(&l->kvm, why, why_len) < 0)
		goto fail;
	if (ioctl(l->kvm.vm_fd, KVM_SET_TSS_ADDR, (unsigned long)TSS_GPA) < 0 ||
	    ioctl(l->kvm.vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		snprintf(why, why_len, "KVM_SET_TSS_ADDR or KVM_CREATE_IRQCHIP: %s", strerror(errno));
		goto fail;
	}
	struct kvm_pit_config pit = { .flags = 0 };
	if (ioctl(l->kvm.vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		snprintf(why, why_len, "KVM_CREATE_PIT2: %s", strerror(errno));
		goto fail;
	}
	rc = LWVMM_EXIT_RESOURCES;
	if (guest_memory_create(&l->mem, c->mem_size, 0, c->mem_backing, why, why_len) < 0)
		goto fail;
	/* Anonymous RAM in transparent huge pages where the host allows them (its THP mode
	 * "madvise", Debian's default, needs this): a 2 MiB page is one fault and one nested
	 * page-table entry instead of 512. Best effort; memfd RAM would need shmem THP. */
	if (c->mem_backing == GUEST_RAM_ANON)
		(void)madvise(l->mem.host, l->mem.size, MADV_HUGEPAGE);
	if (guest_memory_register(&l->mem, l->kvm.vm_fd, why, why_len) < 0)
		goto fail;
	int usage = 0;
	if (setup_disks(l, &usage, why, why_len) < 0) {
		if (usage) {
			fprintf(stderr, "lwvmm: %s\n", why);
			rc = LWVMM_EXIT_USAGE;
			goto out;
		}
		goto fail;
	}
	struct linux_boot_args args = { .cmdline = cmdline, .initrd = initrd, .initrd_size = initrd_size };
	/* More than one vCPU: an MADT tells Linux of them (Debian's kernels ignore MP tables). */
	if (c->ncpus > 1)
		args.acpi_rsdp = linux_acpi_write(l->mem.host, c->ncpus);
	if (linux_boot_load(&img, &args, l->mem.host, l->mem.size, why, why_len) < 0) {
		fprintf(stderr, "lwvmm: %s\n", why);
		rc = LWVMM_EXIT_USAGE;
		goto out;
	}
	/* An uncompressed initramfs is in guest RAM twice while the kernel unpacks it (the
	 * image, then the files): with under about three times its size the guest says
	 * "Initramfs unpacking failed: write error" and panics; said here, where it is clear. */
	if (initrd_size && initrd_size > c->mem_size / 3)
		fprintf(stderr, "lwvmm: warning: the initrd (%zu MiB) is over a third of --mem (%llu MiB): "
			"the guest holds it twice while unpacking it; if it says \"Initramfs unpacking "
			"failed\", give more --mem\n", initrd_size >> 20,
			(unsigned long long)(c->mem_size >> 20));
	rc = LWVMM_EXIT_UNAVAILABLE;
	int size = ioctl(l->kvm.kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0) {
		snprintf(why, why_len, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		goto fail;
	}
	l->run_size = (size_t)size;
	/* vCPU 0 starts at the kernel's entry; the others wait for its INIT and SIPI (in-kernel LAPIC). */
	for (int i = 0; i < c->ncpus; i++) {
		struct linux_vcpu *v = &l->vcpu[i];
		v->fd = ioctl(l->kvm.vm_fd, KVM_CREATE_VCPU, i);
		if (v->fd < 0) {
			snprintf(why, why_len, "KVM_CREATE_VCPU %d: %s", i, strerror(errno));
			goto fail;
		}
		l->ncpus = i + 1;
		v->run = mmap(NULL, l->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			v->run = NULL;
			snprintf(why, why_len, "mmap of kvm_run: %s", strerror(errno));
			goto fail;
		}
		if (x86_set_cpuid_apic(l->kvm.kvm_fd, v->fd, (uint32_t)i, why, why_len) < 0)
			goto fail;
		x86_setup_xcr0(v->fd);
		/* KVM makes vCPU 0 the boot CPU and holds the others until the boot CPU's INIT
		 * and SIPI (the in-kernel LAPIC): said here so that it does not rest on that. */
		struct kvm_mp_state mp = { .mp_state = i == 0 ? KVM_MP_STATE_RUNNABLE :
						       KVM_MP_STATE_UNINITIALIZED };
		if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
			snprintf(why, why_len, "KVM_SET_MP_STATE on vCPU %d: %s", i, strerror(errno));
			goto fail;
		}
	}
	if (setup_bsp(l, img.entry64, why, why_len) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "lwvmm: %s\n", why);
out:
	free(kernel);
	free(initrd);
	return rc;
}

/* A stop signal or --timeout, seen by one vCPU thread: the first one says so. */
static void end_by_signal(struct linux_vm *l)
{
	int sig = stop_signal;

	pthread_mutex_lock(&l->lock);
	if (!atomic_load(&l->ended)) {
		if (sig == SIGALRM)
			fprintf(stderr, "lwvmm: timeout: the guest ran for more than %g s\n", l->c->timeout_s);
		else
			fprintf(stderr, "lwvmm: interrupted by %s\n", strsignal(sig));
		end_run(l, sig == SIGALRM ? LWVMM_EXIT_TIMEOUT : LWVMM_EXIT_INTERRUPTED,
			sig == SIGALRM ? "timeout" : "signal");
	}
	pthread_mutex_unlock(&l->lock);
}

/* One vCPU's exit loop, until the run ends (by this vCPU or another). */
static void run_loop(struct linux_vcpu *v)
{
	struct linux_vm *l = v->l;
	struct kvm_run *r = v->run;

	this_run = r;
	for (;;) {
		if (atomic_load(&l->ended))
			return;
		if (stop_signal) {
			end_by_signal(l);
			return;
		}
		if (v->index == 0 && !l->t_first_run_ns)
			l->t_first_run_ns = now_ns();
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				r->immediate_exit = 0;
				continue;
			}
			fprintf(stderr, "lwvmm: vCPU %d: KVM_RUN: %s\n", v->index, strerror(errno));
			end_run(l, LWVMM_EXIT_GUEST_FAULT, "kvm-error");
			return;
		}
		switch (r->exit_reason) {
		case KVM_EXIT_IO:
			v->exits_io++;
			if (handle_io(l, r))
				return;
			break;
		case KVM_EXIT_MMIO:
			/* A PCI function's BAR, or else nothing: reads float high. */
			v->exits_mmio++;
			pthread_mutex_lock(&l->lock);
			if (!pci_mmio_access(&l->pci, r->mmio.phys_addr, r->mmio.is_write, r->mmio.data,
					     r->mmio.len) && !r->mmio.is_write)
				memset(r->mmio.data, 0xff, sizeof(r->mmio.data));
			pthread_mutex_unlock(&l->lock);
			break;
		case KVM_EXIT_SHUTDOWN:
			fprintf(stderr, "lwvmm: the guest triple-faulted%s\n", l->status_written ? "" :
				" before writing its exit status (a crash, or a reboot without reboot=k)");
			end_run(l, l->status_written ? l->status : LWVMM_EXIT_GUEST_FAULT, "triple-fault");
			return;
		case KVM_EXIT_FAIL_ENTRY:
			fprintf(stderr, "lwvmm: vCPU %d: VM entry failed, hardware reason 0x%llx\n", v->index,
				(unsigned long long)r->fail_entry.hardware_entry_failure_reason);
			end_run(l, LWVMM_EXIT_GUEST_FAULT, "entry-failed");
			return;
		case KVM_EXIT_INTERNAL_ERROR:
			fprintf(stderr, "lwvmm: vCPU %d: KVM internal error, suberror %u\n", v->index,
				r->internal.suberror);
			end_run(l, LWVMM_EXIT_GUEST_FAULT, "kvm-error");
			return;
		default:
			fprintf(stderr, "lwvmm: vCPU %d: unexpected exit %u from the Linux guest\n", v->index,
				r->exit_reason);
			end_run(l, LWVMM_EXIT_GUEST_FAULT, "unexpected-exit");
			return;
		}
	}
}

static void *linux_vcpu_thread(void *arg)
{
	run_loop(arg);
	return NULL;
}

/* The guest RAM that is resident (mincore: for a memfd its page cache, for
 * anonymous RAM its pages), in KiB, counted a GiB of pages at a time. */
static uint64_t guest_resident_kib(const struct guest_memory *mem)
{
	static unsigned char vec[(1ULL << 30) / 4096];
	uint64_t pages = 0;

	for (uint64_t off = 0; off < mem->size; off += 1ULL << 30) {
		uint64_t len = mem->size - off < (1ULL << 30) ? mem->size - off : 1ULL << 30;
		if (mincore(mem->host + off, len, vec) < 0)
			return 0;
		for (uint64_t i = 0; i < (len + 4095) / 4096; i++)
			pages += vec[i] & 1;
	}
	return pages * 4;
}

/*
 * The memory lwvmm holds at the end of the run: its whole RSS from
 * /proc/self/status (RssAnon, RssFile, RssShmem), less the guest RAM that is
 * resident; the rest is lwvmm's own: its code, libraries, heap and stacks,
 * the kvm_run page. The file was opened at the start: the seccomp filter
 * lets no file be opened without --stats-json.
 */
static void read_rss(struct linux_vm *l)
{
	char text[4096];
	unsigned long long kib, all = 0;
	ssize_t n = l->status_fd >= 0 ? pread(l->status_fd, text, sizeof(text) - 1, 0) : -1;

	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *line = text; *line; line += strcspn(line, "\n"), line += *line == '\n') {
		if (sscanf(line, "RssAnon: %llu", &kib) == 1 || sscanf(line, "RssFile: %llu", &kib) == 1 ||
		    sscanf(line, "RssShmem: %llu", &kib) == 1)
			all += kib;
	}
	l->rss_guest_kib = guest_resident_kib(&l->mem);
	l->rss_own_kib = all > l->rss_guest_kib ? all - l->rss_guest_kib : 0;
}

static void report(const struct linux_vm *l)
{
	const struct linux_config *c = l->c;
	double wall = (double)(l->t_end_ns - l->t_start_ns) / 1e9;
	double boot = l->t_first_run_ns ? (double)(l->t_first_run_ns - l->t_start_ns) / 1e6 : -1;
	unsigned long long own_kib = l->rss_own_kib, guest_kib = l->rss_guest_kib;
	unsigned long long exits_io = 0, exits_mmio = 0;

	for (int i = 0; i < l->ncpus; i++) {
		exits_io += l->vcpu[i].exits_io;
		exits_mmio += l->vcpu[i].exits_mmio;
	}

	if (c->print_stats)
		fprintf(stderr, "lwvmm: Linux guest on %s, %d vCPU, %llu MiB: ended by %s, status %d, "
			"%.3f s (first guest instruction after %.2f ms); exits: %llu port I/O, %llu MMIO, "
			"%llu to ports with no device (the last 0x%x); %llu bytes on the serial console; lwvmm's own "
			"memory %llu KiB (RSS besides guest RAM), guest RAM resident %llu KiB\n",
			flavour_name(l->kvm.flavour), c->ncpus, (unsigned long long)(c->mem_size >> 20),
			l->ended_by, l->status, wall, boot, exits_io, exits_mmio,
			(unsigned long long)l->unknown_ports,
			l->last_unknown_port, (unsigned long long)l->uart.bytes_out, own_kib, guest_kib);
	for (int i = 0; c->print_stats && i < l->ndisks; i++)
		virtio_blk_print_stats(stderr, l->disks[i], i);
	if (c->print_stats)
		seccomp_print_stats(stderr);
	if (!c->stats_json_path)
		return;
	FILE *f = fopen(c->stats_json_path, "we");
	if (!f) {
		fprintf(stderr, "lwvmm: cannot write --stats-json %s: %s\n", c->stats_json_path, strerror(errno));
		return;
	}
	fprintf(f, "{\"guest\":\"linux\",\"flavour\":\"%s\",\"vcpus\":%d,\"mem_bytes\":%llu,"
		"\"exit_status\":%d,\"ended_by\":\"%s\",\"status_written\":%s,\"wall_s\":%.6f,"
		"\"startup_ms\":%.3f,\"exits\":{\"io\":%llu,\"mmio\":%llu},"
		"\"unknown_ports\":%llu,\"serial_bytes\":%llu,\"own_rss_kib\":%llu,"
		"\"guest_rss_kib\":%llu,\"mem_backing\":\"%s\",\"devices\":[",
		flavour_name(l->kvm.flavour), c->ncpus, (unsigned long long)c->mem_size, l->status,
		l->ended_by, l->status_written ? "true" : "false", wall, boot,
		exits_io, exits_mmio, (unsigned long long)l->unknown_ports,
		(unsigned long long)l->uart.bytes_out, own_kib, guest_kib,
		guest_ram_backing_name(c->mem_backing));
	for (int i = 0; i < l->ndisks; i++) {
		fprintf(f, "%s{\"transport\":\"virtio-pci\",\"interrupts\":%llu,\"broken_chains\":%llu,"
			"\"backend\":", i ? "," : "", (unsigned long long)l->disks[i]->vp.interrupts,
			(unsigned long long)l->disks[i]->broken_chains);
		blkback_ops.json_stats(f, &l->disks[i]->blk);
		fprintf(f, "}");
	}
	fprintf(f, "],");
	seccomp_json_stats(f);
	fprintf(f, "}\n");
	fclose(f);
}

/*
 * Where each vCPU stood when the run ended on --timeout or a signal: a guest
 * that hangs says where (with `nokaslr`, map the addresses through the same
 * kernel's /proc/kallsyms or System.map). Asked after the threads have left
 * KVM_RUN, which holds each vCPU's lock.
 */
static void report_vcpu_places(const struct linux_vm *l)
{
	static const char *const states[] = { "runnable", "uninitialized", "init-received",
		"halted", "sipi-received" };

	for (int i = 0; i < l->ncpus; i++) {
		struct kvm_regs regs;
		struct kvm_mp_state mp = { 0 };
		if (ioctl(l->vcpu[i].fd, KVM_GET_REGS, &regs) < 0)
			continue;
		(void)ioctl(l->vcpu[i].fd, KVM_GET_MP_STATE, &mp);
		fprintf(stderr, "lwvmm: vCPU %d was at rip 0x%llx (rflags 0x%llx, %s)\n", i,
			(unsigned long long)regs.rip, (unsigned long long)regs.rflags,
			mp.mp_state < sizeof(states) / sizeof(states[0]) ? states[mp.mp_state] : "other");
	}
}

static void teardown(struct linux_vm *l)
{
	close_disks(l);
	for (int i = 0; i < l->ncpus; i++) {
		if (l->vcpu[i].run)
			munmap(l->vcpu[i].run, l->run_size);
		if (l->vcpu[i].fd >= 0)
			close(l->vcpu[i].fd);
	}
	if (l->mem.host)
		guest_memory_destroy(&l->mem);
	if (l->kvm.vm_fd >= 0)
		close(l->kvm.vm_fd);
	if (l->kvm.kvm_fd >= 0)
		close(l->kvm.kvm_fd);
	if (l->status_fd >= 0)
		close(l->status_fd);
}

static void catch_stop_signals(double timeout_s)
{
	struct sigaction sa = { .sa_handler = on_stop };   /* no SA_RESTART: KVM_RUN returns EINTR */

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (timeout_s > 0) {
		struct itimerval t = { .it_value = { .tv_sec = (time_t)timeout_s,
			.tv_usec = (suseconds_t)((timeout_s - (double)(time_t)timeout_s) * 1e6) } };
		if (!t.it_value.tv_sec && !t.it_value.tv_usec)
			t.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &t, NULL);
	}
}

/* vCPUs 1..N-1 on their own threads; one that cannot start ends the run. */
static void start_vcpus(struct linux_vm *l)
{
	l->vcpu[0].thread = pthread_self();
	l->vcpu[0].started = 1;
	for (int i = 1; i < l->ncpus; i++) {
		/* under the lock, so that an end_run() meanwhile kicks every thread it can see */
		pthread_mutex_lock(&l->lock);
		int err = pthread_create(&l->vcpu[i].thread, NULL, linux_vcpu_thread, &l->vcpu[i]);
		l->vcpu[i].started = err == 0;
		pthread_mutex_unlock(&l->lock);
		if (err) {
			fprintf(stderr, "lwvmm: cannot start vCPU %d's thread: %s\n", i, strerror(err));
			end_run(l, LWVMM_EXIT_RESOURCES, "no-thread");
			return;
		}
	}
}

int linux_run(const struct linux_config *c)
{
	static struct linux_vm l;
	char why[256] = "";
	int rc;

	pthread_mutexattr_t recursive;

	l = (struct linux_vm){ .c = c, .kvm = { .kvm_fd = -1, .vm_fd = -1 }, .status_fd = -1 };
	for (int i = 0; i < LW_MAX_VCPUS; i++)
		l.vcpu[i] = (struct linux_vcpu){ .l = &l, .index = i, .fd = -1 };
	memset(l.disk_fds, 0xff, sizeof(l.disk_fds));   /* -1: none */
	/* recursive: a port write ends the run (end_run) while the device lock is held */
	pthread_mutexattr_init(&recursive);
	pthread_mutexattr_settype(&recursive, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&l.lock, &recursive);
	l.t_start_ns = now_ns();
	if (seccomp_prepare_linux(c->no_seccomp, c->stats_json_path != NULL, why, sizeof(why), &rc) < 0) {
		fprintf(stderr, "lwvmm: %s\n", why);
		return rc;
	}
	if (kvm_open(&l.kvm, why, sizeof(why)) < 0) {
		fprintf(stderr, "lwvmm: %s\n", why);
		return LWVMM_EXIT_UNAVAILABLE;
	}
	if (l.kvm.flavour != FLAVOUR_VMX && l.kvm.flavour != FLAVOUR_SVM) {
		fprintf(stderr, "lwvmm: --kernel: Linux guests need VMX or SVM; this host's KVM is %s, "
			"where ring-0 guest code is emulated (docs/host-notes.md; the lab runs them)\n",
			flavour_name(l.kvm.flavour));
		teardown(&l);
		return LWVMM_EXIT_UNAVAILABLE;
	}
	uart8250_init(&l.uart, uart_output, uart_irq, &l);
	i8042_init(&l.keyboard);
	rc = setup(&l, why, sizeof(why));
	if (rc == 0) {
		catch_stop_signals(c->timeout_s);
		l.status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
		/* from here on every thread, the vCPUs' and the back ends', runs under the filter */
		if (seccomp_start(why, sizeof(why), &rc) < 0) {
			fprintf(stderr, "lwvmm: %s\n", why);
			teardown(&l);
			return rc;
		}
		start_vcpus(&l);
		run_loop(&l.vcpu[0]);   /* vCPU 0 on the main thread, until the run has ended */
		for (int i = 1; i < l.ncpus; i++) {
			if (l.vcpu[i].started)
				pthread_join(l.vcpu[i].thread, NULL);
		}
		flush_output(&l);
		l.t_end_ns = now_ns();
		if (!strcmp(l.ended_by, "timeout") || !strcmp(l.ended_by, "signal"))
			report_vcpu_places(&l);
		rc = l.status;
		for (int i = 0; i < l.ndisks; i++)
			blkback_halt(&l.disks[i]->blk);   /* its requests finished, its statistics final */
		read_rss(&l);
		report(&l);
	}
	teardown(&l);
	return rc;
}
