/* The Linux guest's keyboard controller, with no keyboard or mouse: i8042.h. */
#include "i8042.h"

#define STATUS_OUTPUT_FULL 0x01
#define STATUS_SYSTEM      0x04   /* set after a successful self-test, as firmware leaves it */
#define STATUS_UNLOCKED    0x10   /* the keyboard lock switch is off (else Linux warns "Keylock active") */

#define CMD_READ_CONTROL   0x20
#define CMD_WRITE_CONTROL  0x60
#define CMD_AUX_TEST       0xa9
#define CMD_SELF_TEST      0xaa
#define CMD_KBD_TEST       0xab
#define CMD_WRITE_OUTPUT   0xd1   /* its data byte (the A20 gate...) is taken and ignored */
#define CMD_PULSE_RESET    0xfe

#define SELF_TEST_PASSED   0x55
#define PORT_TEST_PASSED   0x00

/* Keyboard interrupt on, scan-code translation, system flag: what a BIOS leaves. */
#define CONTROL_AT_BOOT    0x45

void i8042_init(struct i8042 *k)
{
	k->control = CONTROL_AT_BOOT;
	k->output = 0;
	k->output_full = 0;
	k->pending = 0;
}

static void reply(struct i8042 *k, uint8_t byte)
{
	k->output = byte;
	k->output_full = 1;
}

uint8_t i8042_read(struct i8042 *k, uint16_t port)
{
	if (port == I8042_COMMAND_PORT)
		return (uint8_t)(STATUS_SYSTEM | STATUS_UNLOCKED | (k->output_full ? STATUS_OUTPUT_FULL : 0));
	k->output_full = 0;
	return k->output;
}

static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CONTROL:
		reply(k, k->control);
		break;
	case CMD_WRITE_CONTROL:
	case CMD_WRITE_OUTPUT:
		k->pending = cmd;
		break;
	case CMD_SELF_TEST:
		reply(k, SELF_TEST_PASSED);
		break;
	case CMD_KBD_TEST:
	case CMD_AUX_TEST:
		reply(k, PORT_TEST_PASSED);
		break;
	default:
		/* 0xa7/0xa8, 0xad/0xae (disable/enable a port) and the rest: no effect */
		break;
	}
}

int i8042_write(struct i8042 *k, uint16_t port, uint8_t value)
{
	if (port == I8042_COMMAND_PORT) {
		k->pending = 0;
		if (value == CMD_PULSE_RESET)
			return 1;
		command(k, value);
		return 0;
	}
	if (k->pending == CMD_WRITE_CONTROL)
		k->control = value;
	/* else: a byte for the keyboard, which is not there */
	k->pending = 0;
	return 0;
}
