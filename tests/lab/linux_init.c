/*
 * /init of the Linux guest that lwvmm boots in the lab (tests/lab/t/linux.t):
 * a static program, the initramfs' only file. It mounts devtmpfs and proc,
 * says it is up on the console, then does what the kernel command line says:
 *   lwvmm.status=N   write N to lwvmm's exit port (LW_LINUX_EXIT_PORT): the
 *                    run ends with status N
 *   lwvmm.status=cpus  the same with N the number of processors /proc/cpuinfo lists
 *   lwvmm.oncpu=N    move to CPU N first (the status and the reboot come from it)
 *   lwvmm.reboot     reboot without writing a status (lwvmm: 70)
 *   lwvmm.hang       never end (for --timeout and signals)
 * and, after either, reboots (with reboot=k: the keyboard controller's reset).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "lwvmm_abi.h"

static void console(void)
{
	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	int fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/*
 * A write to the console returns once the tty layer holds the bytes, not once
 * the 8250 sent them; with 2 vCPUs the transmitting can still be under way on
 * the other CPU when the exit port ends the run, and lwvmm never sees the last
 * lines. tcdrain waits until the UART has sent everything.
 */
static void drain_console(void)
{
	fflush(stdout);
	tcdrain(1);
}

/* The processors the kernel brought up, as /proc/cpuinfo lists them. */
static int cpuinfo_count(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strncmp(line, "processor", 9) == 0;
	fclose(f);
	return n;
}

/* Runs the rest of /init on CPU `cpu`: 0, or -1 (no such CPU). */
static int move_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return -1;
	sched_yield();
	return sched_getcpu() == cpu ? 0 : -1;
}

int main(void)
{
	char cmdline[4096] = "";
	FILE *f;

	console();
	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
	}
	printf("lwvmm-linux-init: up, pid %d, kernel command line: %s", (int)getpid(), cmdline);
	int cpus = cpuinfo_count();
	printf("lwvmm-linux-init: %d processors in /proc/cpuinfo\n", cpus);
	char *oncpu = strstr(cmdline, "lwvmm.oncpu=");
	if (oncpu) {
		int cpu = atoi(oncpu + strlen("lwvmm.oncpu="));
		if (move_to_cpu(cpu) < 0)
			printf("lwvmm-linux-init: cannot move to CPU %d\n", cpu);
		else
			printf("lwvmm-linux-init: on CPU %d\n", cpu);
	}
	fflush(stdout);
	while (strstr(cmdline, "lwvmm.hang"))
		pause();
	char *status = strstr(cmdline, "lwvmm.status=");
	if (status && ioperm(LW_LINUX_EXIT_PORT, 1, 1) == 0) {
		const char *value = status + strlen("lwvmm.status=");
		int n = strncmp(value, "cpus", 4) == 0 ? cpus : atoi(value);
		printf("lwvmm-linux-init: exit status %d through port 0x%x\n", n, LW_LINUX_EXIT_PORT);
		drain_console();
		outb((unsigned char)n, LW_LINUX_EXIT_PORT);
	}
	drain_console();
	sync();
	reboot(RB_AUTOBOOT);
	return 1;
}
