/*
 * /init of the Linux guest that lwvmm boots in the lab (tests/lab/t/linux.t):
 * a static program, the initramfs' only file. It mounts devtmpfs and proc,
 * says it is up on the console, then does what the kernel command line says:
 *   lwvmm.status=N   write N to lwvmm's exit port (LW_LINUX_EXIT_PORT): the
 *                    run ends with status N
 *   lwvmm.reboot     reboot without writing a status (lwvmm: 70)
 *   lwvmm.hang       never end (for --timeout and signals)
 * and, after either, reboots (with reboot=k: the keyboard controller's reset).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
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
	fflush(stdout);
	while (strstr(cmdline, "lwvmm.hang"))
		pause();
	char *status = strstr(cmdline, "lwvmm.status=");
	if (status && ioperm(LW_LINUX_EXIT_PORT, 1, 1) == 0) {
		int n = atoi(status + strlen("lwvmm.status="));
		printf("lwvmm-linux-init: exit status %d through port 0x%x\n", n, LW_LINUX_EXIT_PORT);
		fflush(stdout);
		outb((unsigned char)n, LW_LINUX_EXIT_PORT);
	}
	sync();
	reboot(RB_AUTOBOOT);
	return 1;
}
