/*
 * The Linux guest's keyboard controller: an i8042 with nothing plugged in,
 * enough of it for Linux's i8042 driver to find a controller at once and
 * for `reboot=k` to reset through it. Without it the driver's first command
 * (read the control byte) waits for a reply that never comes, polling the
 * status port about 10,000 times (each read an exit) for half a second.
 * Modelled: the status register (output buffer full, the system flag, the
 * keyboard lock off; the input buffer is always empty because every byte is
 * taken at once), the control byte (commands 0x20 read, 0x60 write), the
 * controller self-test (0xaa -> 0x55), the port tests (0xab, 0xa9 -> 0x00:
 * no fault), and the enable/disable commands (accepted, no effect). No
 * keyboard or mouse: a byte for a device is dropped, and no interrupt is
 * ever raised (the default command line has i8042.nokbd i8042.noaux).
 * Command 0xfe (pulse the reset line) is reported to the caller, which ends
 * the run.
 * A pure model (tests/unit/test_linux_boot.c drives it without KVM).
 */
#ifndef LWVMM_I8042_H
#define LWVMM_I8042_H

#include <stdint.h>

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64   /* reads: the status register */

struct i8042 {
	uint8_t control;      /* the control byte ("CTR") */
	uint8_t output;       /* the output buffer */
	int output_full;
	int pending;          /* the command whose data byte comes next (0: none) */
};

void i8042_init(struct i8042 *k);

uint8_t i8042_read(struct i8042 *k, uint16_t port);

/* A write to port I8042_DATA_PORT or I8042_COMMAND_PORT. Returns 1 when the
 * guest pulsed the reset line (command 0xfe), else 0. */
int i8042_write(struct i8042 *k, uint16_t port, uint8_t value);

#endif
