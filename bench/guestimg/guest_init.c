/*
 * /init of the guest images guestimg builds: a static program that
 *  1. mounts devtmpfs, proc, sysfs and a tmpfs on /tmp, and makes the
 *     console its stdin/stdout/stderr, with no "\n" -> "\r\n" translation
 *     (so the result lines read like a native run's);
 *  2. loads the kernel modules listed in /etc/guest-modules, in that order
 *     (guestimg resolved them from modules.dep);
 *  3. runs the command the kernel command line gives after "--" (the kernel
 *     passes those words to init as its arguments), or else the shell
 *     script /etc/guest-command, and waits for it, reaping orphans as pid 1;
 *  4. writes the command's exit status (128+N for signal N) to lwvmm's exit
 *     port (LW_LINUX_EXIT_PORT), which makes it lwvmm's own exit status,
 *     and reboots (with reboot=k on the command line: the keyboard
 *     controller's reset, which ends lwvmm's run).
 * A failure of its own (a module that does not load, no command) is
 * reported on the console and as status 70 (64 for no command).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lwvmm_abi.h"

#define MODULE_LIST "/etc/guest-modules"
#define COMMAND_FILE "/etc/guest-command"

static void console(void)
{
	struct termios t;
	int fd;

	mkdir("/dev", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (tcgetattr(1, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)OPOST;
		tcsetattr(1, TCSANOW, &t);
	}
}

static void mounts(void)
{
	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/sys", 0755);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mkdir("/tmp", 01777);
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
}

static int load_modules(void)
{
	char line[4096];
	FILE *f = fopen(MODULE_LIST, "r");

	if (!f)
		return 0;   /* nothing to load: the drivers are built in */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		int fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)) {
			printf("guest-init: cannot load module %s: %s\n", line, strerror(errno));
			fclose(f);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	fclose(f);
	return 0;
}

static pid_t start(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (argv)
			execvp(argv[0], argv);
		else
			execl("/bin/sh", "sh", COMMAND_FILE, (char *)NULL);
		printf("guest-init: cannot run %s: %s\n", argv ? argv[0] : "/bin/sh", strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	return pid;
}

/* Waits for pid; other children (orphans reparented to us) are reaped on the way. */
static int wait_for(pid_t pid)
{
	int status;

	for (;;) {
		pid_t got = wait(&status);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return 70;
		if (got == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

static void finish(int status)
{
	printf("guest-init: exit status %d through port 0x%x\n", status, LW_LINUX_EXIT_PORT);
	fflush(stdout);
	sync();
	if (ioperm(LW_LINUX_EXIT_PORT, 1, 1) == 0)
		outb((unsigned char)status, LW_LINUX_EXIT_PORT);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int status;

	console();
	mounts();
	setenv("PATH", "/bin:/usr/bin:/sbin:/usr/sbin", 1);
	setenv("HOME", "/", 1);
	setenv("TMPDIR", "/tmp", 1);
	if (chdir("/tmp") < 0)
		printf("guest-init: chdir /tmp: %s\n", strerror(errno));
	if (load_modules() < 0)
		finish(70);
	if (argc < 2 && access(COMMAND_FILE, R_OK) < 0) {
		printf("guest-init: no command: give one after \"--\" on the kernel command line, "
		       "or write %s\n", COMMAND_FILE);
		finish(64);
	}
	fflush(stdout);
	status = wait_for(start(argc >= 2 ? argv + 1 : NULL));
	finish(status);
	return 0;
}
