/*
 * lab_exit: ends the lab with a status QEMU turns into its own exit status.
 *
 *   lab_exit STATUS [TTY...]
 *
 * Waits until everything written to each TTY has left the serial port, then
 * writes STATUS (0..127) to QEMU's isa-debug-exit port, which stops QEMU with
 * exit status STATUS * 2 + 1. Returns 1 only if that did not happen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <termios.h>
#include <unistd.h>

/* Must match the -device isa-debug-exit,iobase=... of tests/lab/lib.sh. */
#define DEBUG_EXIT_PORT 0xf4

static void drain(const char *tty)
{
	int fd = open(tty, O_WRONLY | O_NOCTTY | O_NONBLOCK);

	if (fd < 0) {
		fprintf(stderr, "lab_exit: cannot open %s: %s\n", tty, strerror(errno));
		return;
	}
	if (tcdrain(fd) != 0)
		fprintf(stderr, "lab_exit: cannot drain %s: %s\n", tty, strerror(errno));
	close(fd);
}

int main(int argc, char **argv)
{
	char *end;
	long status;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: lab_exit STATUS [TTY...]\n");
		return 2;
	}
	errno = 0;
	status = strtol(argv[1], &end, 10);
	if (errno || *argv[1] == '\0' || *end != '\0' || status < 0) {
		fprintf(stderr, "lab_exit: STATUS must be a number >= 0, not '%s'\n", argv[1]);
		return 2;
	}
	if (status > 127)
		status = 127;
	for (i = 2; i < argc; i++)
		drain(argv[i]);
	if (ioperm(DEBUG_EXIT_PORT, 1, 1) != 0) {
		fprintf(stderr, "lab_exit: ioperm(0x%x): %s\n", DEBUG_EXIT_PORT, strerror(errno));
		return 1;
	}
	outb((unsigned char)status, DEBUG_EXIT_PORT);
	fprintf(stderr, "lab_exit: QEMU did not stop; is isa-debug-exit missing?\n");
	return 1;
}
