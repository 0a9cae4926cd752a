/*
 * `lwvmm run --kernel IMAGE`: an unmodified Linux kernel as the guest, on
 * VMX or SVM hosts (PVM cannot run ring-0 guest code fast enough: HOST.md).
 * The platform is KVM's in-kernel PIC, IOAPIC, LAPIC and PIT, an 8250
 * serial console at COM1 (uart8250.c) and two ports of lwvmm's own:
 *
 *   port 0x501 (LW_LINUX_EXIT_PORT, lwvmm_abi.h): a byte written there
 *     ends the run at once with that byte as lwvmm's exit status; this is
 *     how the program the guest runs reports its status;
 *   port 0x64, value 0xfe: the keyboard controller's reset, which Linux
 *     uses for `reboot -f` with reboot=k: the run ends (status 70 if the
 *     guest never wrote its status, so that a panic that reboots is not
 *     taken for success).
 *
 * --cpus N: one thread per vCPU running its own exit loop (vCPU 0 on the
 * main thread); the first end of the run, from any vCPU, kicks the others out
 * of KVM_RUN and the threads are joined. With more than one vCPU lwvmm writes
 * ACPI tables (linux_acpi.c: Debian's kernels are built without MP-table
 * support, CONFIG_X86_MPPARSE), and the secondary vCPUs wait in KVM's
 * in-kernel LAPIC for the boot CPU's INIT and SIPI; with one, no tables and
 * `acpi=off` (the 8259 PIC and the PIT).
 *
 * Each --disk is a virtio-blk function on the PCI bus of pci.c (00:01.0 and
 * on: /dev/vda, /dev/vdb, ... in the guest), served by the block back end
 * (pv-drivers/virtio_blk.c): kicks reach the back end's thread through a
 * KVM ioeventfd, its interrupts the guest through a KVM irqfd on the
 * function's legacy line (10, 11, 5, 9), with no exit either way. With ACPI
 * (more than one vCPU) the DSDT describes no PCI root yet, so Linux does not
 * scan the bus: disks need one vCPU for now.
 */
#ifndef LWVMM_LINUX_VM_H
#define LWVMM_LINUX_VM_H

#include <stdint.h>

#include "guest_ram.h"

#define LINUX_MAX_DISKS 4

struct linux_config {
	const char *kernel;       /* bzImage */
	const char *initrd;       /* NULL: none */
	const char *append;       /* added to the default command line; NULL: nothing */
	uint64_t mem_size;
	enum guest_ram_backing mem_backing;   /* anonymous unless --mem-backing memfd */
	int ncpus;
	double timeout_s;         /* 0: none */
	int print_stats;
	const char *stats_json_path;
	int no_seccomp;           /* --no-seccomp (seccomp.c) */
	const char *disks[LINUX_MAX_DISKS];   /* --disk specs, FILE[,ro][,direct] */
	int ndisks;
};

/* Boots the kernel and runs it to its end: lwvmm's exit status. */
int linux_run(const struct linux_config *c);

#endif
