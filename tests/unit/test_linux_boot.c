/*
 * lwvmm/linux_boot.c, lwvmm/uart8250.c and lwvmm/i8042.c: the bzImage loader
 * against a synthetic bzImage (header fields as boot.rst gives them), the
 * UART's registers as Linux's 8250 driver probes and uses them, and the
 * keyboard controller as Linux's i8042 driver and reboot=k use it; and
 * lwvmm/linux_acpi.c's tables as Linux finds them (checksums, links, MADT).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "i8042.h"
#include "linux_acpi.h"
#include "linux_boot.h"
#include "uart8250.h"

#define IMAGE_SIZE (64 * 1024)
#define SETUP_SECTS 4
#define RAM (64ULL << 20)

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* A bzImage of protocol 2.15 whose protected-mode part is bytes 0, 1, 2, ... */
static uint8_t *fake_bzimage(void)
{
	uint8_t *f = calloc(1, IMAGE_SIZE);

	f[0x1f1] = SETUP_SECTS;
	put16(f + 0x1fe, 0xaa55);
	f[0x201] = 0x6a;                  /* the header runs to 0x26c */
	memcpy(f + 0x202, "HdrS", 4);
	put16(f + 0x206, 0x020f);
	f[0x211] = 0x01;                  /* LOADED_HIGH */
	put32(f + 0x22c, 0x7fffffff);     /* initrd_addr_max */
	put32(f + 0x230, 0x200000);
	put16(f + 0x236, 0x0001);         /* XLF_KERNEL_64 */
	put32(f + 0x238, 2047);           /* cmdline_size */
	put32(f + 0x260, 8 << 20);        /* init_size */
	put32(f + 0x1f4, (IMAGE_SIZE - (SETUP_SECTS + 1) * 512) / 16);   /* syssize: the rest of the file */
	for (size_t i = (SETUP_SECTS + 1) * 512; i < IMAGE_SIZE; i++)
		f[i] = (uint8_t)i;
	return f;
}

static void test_parse(void **state)
{
	(void)state;
	uint8_t *f = fake_bzimage();
	struct linux_image img;
	char why[200];

	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE, why, sizeof(why)), 0);
	assert_int_equal(img.setup_size, (SETUP_SECTS + 1) * 512);
	assert_int_equal(img.entry64, LINUX_KERNEL_GPA + 0x200);
	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE - 16, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "truncated"));
	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE / 2, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "truncated"));
	put16(f + 0x206, 0x020b);
	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "too old"));
	put16(f + 0x206, 0x020f);
	put16(f + 0x236, 0);
	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "64-bit"));
	memcpy(f + 0x202, "ELF!", 4);
	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not a bzImage"));
	assert_int_equal(linux_image_parse(&img, f, 100, why, sizeof(why)), -1);
	free(f);
}

static void test_load(void **state)
{
	(void)state;
	uint8_t *f = fake_bzimage(), *ram = calloc(1, RAM), initrd[5000];
	struct linux_image img;
	char why[200];

	memset(initrd, 0x5a, sizeof(initrd));
	struct linux_boot_args args = { .cmdline = "console=ttyS0 x=1", .initrd = initrd,
					.initrd_size = sizeof(initrd) };
	assert_int_equal(linux_image_parse(&img, f, IMAGE_SIZE, why, sizeof(why)), 0);
	assert_int_equal(linux_boot_load(&img, &args, ram, RAM, why, sizeof(why)), 0);

	/* the protected-mode kernel at 1 MiB, byte for byte */
	assert_memory_equal(ram + LINUX_KERNEL_GPA, f + img.setup_size, IMAGE_SIZE - img.setup_size);
	uint8_t *zp = ram + LINUX_ZERO_PAGE_GPA;
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(zp[0x210], 0xff);                       /* type_of_loader */
	assert_int_equal(get32(zp + 0x228), LINUX_CMDLINE_GPA);
	assert_string_equal((char *)ram + LINUX_CMDLINE_GPA, "console=ttyS0 x=1");
	/* the initrd: page-aligned, at the top of RAM, above the kernel's init_size */
	uint32_t at = get32(zp + 0x218);
	assert_int_equal(get32(zp + 0x21c), sizeof(initrd));
	assert_int_equal(at % 4096, 0);
	assert_true(at + sizeof(initrd) <= RAM && at >= LINUX_KERNEL_GPA + (8 << 20));
	assert_memory_equal(ram + at, initrd, sizeof(initrd));
	/* e820: low RAM, the reserved hole, RAM from 1 MiB to the end */
	assert_int_equal(zp[0x1e8], 3);
	assert_int_equal(get64(zp + 0x2d0 + 20 * 2), LINUX_KERNEL_GPA);
	assert_int_equal(get64(zp + 0x2d0 + 20 * 2 + 8), RAM - LINUX_KERNEL_GPA);
	assert_int_equal(get32(zp + 0x2d0 + 20 * 1 + 16), 2);
	/* the identity map: 2 MiB pages over the first 4 GiB */
	uint8_t *pd = ram + LINUX_PML4_GPA + 0x2000;
	assert_int_equal(get64(pd + 8 * 3), (3ULL << 21) | 0x83);
	assert_int_equal(get64(pd + 8 * 2047), (2047ULL << 21) | 0x83);

	/* what cannot fit is refused with the reason */
	args.cmdline = "";
	assert_int_equal(linux_boot_load(&img, &args, ram, 8 << 20, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "give more --mem"));
	args.initrd_size = 60 << 20;
	assert_int_equal(linux_boot_load(&img, &args, ram, RAM, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "initrd"));
	char long_line[3000];
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	args = (struct linux_boot_args){ .cmdline = long_line };
	assert_int_equal(linux_boot_load(&img, &args, ram, RAM, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "command line"));
	free(ram);
	free(f);
}

struct uart_seen { char out[64]; int n, irq; };

static void seen_output(void *ctx, uint8_t b) { struct uart_seen *s = ctx; s->out[s->n++] = (char)b; }
static void seen_irq(void *ctx, int level) { ((struct uart_seen *)ctx)->irq = level; }

static void test_uart(void **state)
{
	(void)state;
	struct uart_seen s = { 0 };
	struct uart8250 u;

	uart8250_init(&u, seen_output, seen_irq, &s);
	/* the driver's probe: scratch register, loopback, FIFO */
	uart8250_write(&u, 7, 0xa5);
	assert_int_equal(uart8250_read(&u, 7), 0xa5);
	uart8250_write(&u, 4, 0x1a);   /* LOOP | OUT2 | RTS */
	assert_int_equal(uart8250_read(&u, 6) & 0xf0, 0x90);
	uart8250_write(&u, 0, 'x');    /* looped back: not output */
	assert_int_equal(s.n, 0);
	uart8250_write(&u, 4, 0x0b);
	assert_int_equal(uart8250_read(&u, 2) & 0xc0, 0xc0);   /* a 16550A's FIFO bits */
	/* the divisor latch does not touch the data path */
	uart8250_write(&u, 3, 0x83);
	uart8250_write(&u, 0, 1);
	uart8250_write(&u, 1, 0);
	assert_int_equal(uart8250_read(&u, 0), 1);
	uart8250_write(&u, 3, 0x03);
	assert_int_equal(s.n, 0);
	/* bytes go out at once; the transmitter is always empty */
	uart8250_write(&u, 0, 'o');
	uart8250_write(&u, 0, 'k');
	assert_int_equal(s.n, 2);
	assert_memory_equal(s.out, "ok", 2);
	assert_int_equal(uart8250_read(&u, 5) & 0x60, 0x60);
	/* the transmit-empty interrupt: raised when enabled, acknowledged by reading IIR */
	assert_int_equal(s.irq, 0);
	uart8250_write(&u, 1, 0x02);
	assert_int_equal(s.irq, 1);
	assert_int_equal(uart8250_read(&u, 2) & 0x0f, 0x02);
	assert_int_equal(s.irq, 0);
	assert_int_equal(uart8250_read(&u, 2) & 0x0f, 0x01);
	uart8250_write(&u, 0, '!');
	assert_int_equal(s.irq, 1);
	uart8250_write(&u, 1, 0);
	assert_int_equal(s.irq, 0);
}

/* Linux's i8042 driver sends a command to port 0x64 and, for a reply, polls the
 * status port until the output buffer is full, then reads port 0x60. */
static int i8042_command(struct i8042 *k, uint8_t cmd, int *reply)
{
	int reset = i8042_write(k, I8042_COMMAND_PORT, cmd);
	*reply = (i8042_read(k, I8042_COMMAND_PORT) & 0x01) ? i8042_read(k, I8042_DATA_PORT) : -1;
	return reset;
}

static void test_i8042(void **state)
{
	(void)state;
	struct i8042 k;
	int reply;

	i8042_init(&k);
	/* the driver's flush: nothing waiting; the input buffer is never full */
	assert_int_equal(i8042_read(&k, I8042_COMMAND_PORT) & 0x03, 0);
	assert_int_equal(i8042_command(&k, 0xaa, &reply), 0);
	assert_int_equal(reply, 0x55);                       /* self-test passed */
	assert_int_equal(i8042_read(&k, I8042_COMMAND_PORT) & 0x01, 0);   /* read once: empty */
	i8042_command(&k, 0x20, &reply);
	assert_int_equal(reply, 0x45);                       /* the control byte a BIOS leaves */
	/* write the control byte (keyboard off), read it back */
	assert_int_equal(i8042_write(&k, I8042_COMMAND_PORT, 0x60), 0);
	assert_int_equal(i8042_write(&k, I8042_DATA_PORT, 0x30), 0);
	i8042_command(&k, 0x20, &reply);
	assert_int_equal(reply, 0x30);
	/* a data byte with no command before it is for the (absent) keyboard */
	i8042_write(&k, I8042_DATA_PORT, 0xff);
	i8042_command(&k, 0x20, &reply);
	assert_int_equal(reply, 0x30);
	/* commands without a reply leave the output buffer empty */
	i8042_command(&k, 0xad, &reply);
	assert_int_equal(reply, -1);
	i8042_command(&k, 0xab, &reply);
	assert_int_equal(reply, 0x00);                       /* keyboard port test: no fault */
	/* reboot=k: wait for the input buffer to empty, then pulse the reset line */
	assert_int_equal(i8042_read(&k, I8042_COMMAND_PORT) & 0x02, 0);
	assert_int_equal(i8042_write(&k, I8042_COMMAND_PORT, 0xfe), 1);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* RSDP -> XSDT -> FADT -> DSDT and MADT, each with a good checksum; the MADT's entries. */
static void test_acpi(void **state)
{
	(void)state;
	uint8_t *ram = calloc(1, 1 << 20);
	assert_non_null(ram);
	uint64_t rsdp = linux_acpi_write(ram, 3);
	assert_true(rsdp >= 0xe0000 && rsdp < 0x100000 && rsdp % 16 == 0);   /* where Linux scans */
	const uint8_t *r = ram + rsdp;
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(sum(r, 36), 0);
	const uint8_t *x = ram + get64(r + 24);
	assert_memory_equal(x, "XSDT", 4);
	assert_int_equal(sum(x, get32(x + 4)), 0);
	assert_int_equal(get32(x + 4), 36 + 16);
	const uint8_t *f = ram + get64(x + 36), *m = ram + get64(x + 44);
	assert_memory_equal(f, "FACP", 4);
	assert_int_equal(sum(f, get32(f + 4)), 0);
	assert_true(get32(f + 112) & (1u << 20));            /* hardware-reduced */
	const uint8_t *d = ram + get64(f + 140);
	assert_memory_equal(d, "DSDT", 4);
	assert_int_equal(sum(d, get32(d + 4)), 0);
	assert_int_equal(get32(d + 4), 36 + 52);             /* the COM1 device's AML */
	assert_memory_equal(d + 36, "\x10\x33\\_SB_", 7);     /* Scope (\_SB), 51 bytes after its op */
	assert_non_null(memmem(d + 36, 52, "COM1", 4));
	assert_true(ram + get64(f + 140) + get32(d + 4) <= m); /* the tables do not overlap */
	assert_memory_equal(m, "APIC", 4);
	uint32_t len = get32(m + 4);
	assert_int_equal(sum(m, len), 0);
	assert_int_equal(get32(m + 36), 0xfee00000);
	/* three enabled local APICs with IDs 0, 1, 2, one LINT1 NMI, one IOAPIC after them */
	int lapics = 0, nmis = 0, ioapics = 0;
	for (uint32_t off = 44; off < len; off += m[off + 1]) {
		const uint8_t *e = m + off;
		assert_true(e[1] > 0);
		if (e[0] == 0) {
			assert_int_equal(e[3], lapics);
			assert_int_equal(get32(e + 4) & 1, 1);
			lapics++;
		} else if (e[0] == 4) {
			assert_int_equal(e[5], 1);
			nmis++;
		} else if (e[0] == 1) {
			assert_int_equal(e[2], 3);
			assert_int_equal(get32(e + 4), 0xfec00000);
			assert_int_equal(get32(e + 8), 0);
			ioapics++;
		}
	}
	assert_int_equal(lapics, 3);
	assert_int_equal(nmis, 1);
	assert_int_equal(ioapics, 1);
	/* 64 vCPUs still fit in the page */
	linux_acpi_write(ram, 64);
	m = ram + get64(ram + get64(ram + rsdp + 24) + 44);
	assert_true(m + get32(m + 4) <= ram + LINUX_ACPI_GPA + LINUX_ACPI_SIZE);
	assert_int_equal(sum(m, get32(m + 4)), 0);
	free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_i8042),
		cmocka_unit_test(test_acpi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
