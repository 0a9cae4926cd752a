#include <stdio.h>
#include <string.h>

#include "linux_boot.h"

/* Offsets in a bzImage's first sector and in the zero page (struct boot_params). */
#define BP_ACPI_RSDP_ADDR    0x070   /* boot protocol 2.14 */
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES      0x1e8
#define BP_SETUP_SECTS       0x1f1
#define BP_SYSSIZE           0x1f4   /* the protected-mode kernel, in 16-byte units */
#define BP_BOOT_FLAG         0x1fe
#define BP_JUMP              0x200   /* the jump's second byte: the header ends at 0x202 + it */
#define BP_HEADER            0x202
#define BP_VERSION           0x206
#define BP_TYPE_OF_LOADER    0x210
#define BP_LOADFLAGS         0x211
#define BP_RAMDISK_IMAGE     0x218
#define BP_RAMDISK_SIZE      0x21c
#define BP_HEAP_END_PTR      0x224
#define BP_CMD_LINE_PTR      0x228
#define BP_INITRD_ADDR_MAX   0x22c
#define BP_KERNEL_ALIGNMENT  0x230
#define BP_XLOADFLAGS        0x236
#define BP_CMDLINE_SIZE      0x238
#define BP_INIT_SIZE         0x260
#define BP_E820_TABLE        0x2d0
#define BP_SIZE              0x1000

#define LOADED_HIGH    0x01
#define CAN_USE_HEAP   0x80
#define XLF_KERNEL_64  0x01
#define E820_RAM       1
#define E820_RESERVED  2

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int linux_image_parse(struct linux_image *img, const uint8_t *file, size_t size,
		      char *why, size_t why_len)
{
	memset(img, 0, sizeof(*img));
	if (size < BP_SIZE || get16(file + BP_BOOT_FLAG) != 0xaa55 ||
	    memcmp(file + BP_HEADER, "HdrS", 4) != 0) {
		snprintf(why, why_len, "not a bzImage (no boot sector signature or \"HdrS\" header)");
		return -1;
	}
	img->version = get16(file + BP_VERSION);
	if (img->version < 0x020c) {
		snprintf(why, why_len, "boot protocol %u.%02u is too old (2.12 or later has the "
			 "64-bit entry point)", img->version >> 8, img->version & 0xff);
		return -1;
	}
	if (!(get16(file + BP_XLOADFLAGS) & XLF_KERNEL_64) || !(file[BP_LOADFLAGS] & LOADED_HIGH)) {
		snprintf(why, why_len, "the kernel has no 64-bit entry point (XLF_KERNEL_64)");
		return -1;
	}
	unsigned sects = file[BP_SETUP_SECTS] ? file[BP_SETUP_SECTS] : 4;
	img->setup_size = (size_t)(sects + 1) * 512;
	if (img->setup_size >= size) {
		snprintf(why, why_len, "the bzImage is truncated (%zu bytes, setup alone is %zu)",
			 size, img->setup_size);
		return -1;
	}
	/* A file cut short after its setup would boot into half a kernel and crash. */
	uint64_t payload = (uint64_t)get32(file + BP_SYSSIZE) * 16;
	if (size - img->setup_size < payload) {
		snprintf(why, why_len, "the bzImage is truncated (%zu bytes; its header says %llu)",
			 size, (unsigned long long)(img->setup_size + payload));
		return -1;
	}
	img->file = file;
	img->file_size = size;
	img->initrd_addr_max = get32(file + BP_INITRD_ADDR_MAX);
	img->kernel_alignment = get32(file + BP_KERNEL_ALIGNMENT);
	img->entry64 = LINUX_KERNEL_GPA + 0x200;
	return 0;
}

static void add_e820(uint8_t *zp, uint64_t addr, uint64_t size, uint32_t type)
{
	uint8_t *e = zp + BP_E820_TABLE + 20 * zp[BP_E820_ENTRIES];

	put64(e, addr);
	put64(e + 8, size);
	put32(e + 16, type);
	zp[BP_E820_ENTRIES]++;
}

/* Identity map of the first 4 GiB with 2 MiB pages: PML4, PDPT, four page directories. */
static void write_page_tables(uint8_t *ram)
{
	uint64_t *pml4 = (uint64_t *)(ram + LINUX_PML4_GPA);
	uint64_t *pdpt = pml4 + 512;
	uint64_t *pd = pdpt + 512;

	memset(pml4, 0, 6 * 4096);
	pml4[0] = (LINUX_PML4_GPA + 0x1000) | 0x3;   /* present, writable */
	for (int g = 0; g < 4; g++)
		pdpt[g] = (LINUX_PML4_GPA + 0x2000 + 0x1000ULL * (uint64_t)g) | 0x3;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83;   /* present, writable, 2 MiB page */
}

static void write_gdt(uint8_t *ram)
{
	uint64_t *gdt = (uint64_t *)(ram + LINUX_GDT_GPA);

	memset(gdt, 0, 4 * 8);
	gdt[LINUX_BOOT_CS / 8] = 0x00af9a000000ffffULL;   /* 64-bit code, DPL 0 */
	gdt[LINUX_BOOT_DS / 8] = 0x00cf92000000ffffULL;   /* flat data */
}

int linux_boot_load(const struct linux_image *img, const struct linux_boot_args *args,
		    uint8_t *ram, uint64_t ram_size, char *why, size_t why_len)
{
	size_t kernel_size = img->file_size - img->setup_size;
	uint32_t init_size = get32(img->file + BP_INIT_SIZE);
	uint64_t kernel_end = LINUX_KERNEL_GPA + (init_size > kernel_size ? init_size : kernel_size);
	size_t cmdline_len = strlen(args->cmdline);
	uint8_t *zp = ram + LINUX_ZERO_PAGE_GPA;

	if (kernel_end > ram_size) {
		snprintf(why, why_len, "the kernel needs %llu MiB from 1 MiB up (init_size) and the "
			 "guest has %llu MiB: give more --mem",
			 (unsigned long long)((kernel_end - LINUX_KERNEL_GPA) >> 20),
			 (unsigned long long)(ram_size >> 20));
		return -1;
	}
	if (cmdline_len >= LINUX_CMDLINE_MAX ||
	    (img->version >= 0x0206 && cmdline_len > get32(img->file + BP_CMDLINE_SIZE))) {
		snprintf(why, why_len, "the kernel command line is %zu bytes, more than this kernel "
			 "takes", cmdline_len);
		return -1;
	}

	/* The zero page starts as zeros with the image's setup header copied in. */
	size_t header_end = 0x202 + img->file[BP_JUMP + 1];
	memset(zp, 0, BP_SIZE);
	memcpy(zp + BP_SETUP_SECTS, img->file + BP_SETUP_SECTS, header_end - BP_SETUP_SECTS);
	zp[BP_TYPE_OF_LOADER] = 0xff;   /* a loader with no assigned id */
	zp[BP_LOADFLAGS] |= CAN_USE_HEAP;
	zp[BP_HEAP_END_PTR] = 0x00;     /* 0xfe00 - 0x200: what the protocol suggests */
	zp[BP_HEAP_END_PTR + 1] = 0xfe;
	memcpy(ram + LINUX_CMDLINE_GPA, args->cmdline, cmdline_len + 1);
	put32(zp + BP_CMD_LINE_PTR, (uint32_t)LINUX_CMDLINE_GPA);
	put32(zp + BP_EXT_CMD_LINE_PTR, 0);
	if (args->acpi_rsdp && img->version >= 0x020e)
		put64(zp + BP_ACPI_RSDP_ADDR, args->acpi_rsdp);

	add_e820(zp, 0, LINUX_LOW_RAM_END, E820_RAM);
	add_e820(zp, LINUX_LOW_RAM_END, LINUX_KERNEL_GPA - LINUX_LOW_RAM_END, E820_RESERVED);
	add_e820(zp, LINUX_KERNEL_GPA, ram_size - LINUX_KERNEL_GPA, E820_RAM);

	memcpy(ram + LINUX_KERNEL_GPA, img->file + img->setup_size, kernel_size);

	if (args->initrd) {
		uint64_t top = ram_size;
		if (img->initrd_addr_max && top > (uint64_t)img->initrd_addr_max + 1)
			top = (uint64_t)img->initrd_addr_max + 1;
		uint64_t at = (top - args->initrd_size) & ~0xfffULL;
		if (args->initrd_size > top || at < kernel_end) {
			snprintf(why, why_len, "the initrd (%zu MiB) does not fit between the kernel and "
				 "the end of guest RAM: give more --mem", args->initrd_size >> 20);
			return -1;
		}
		memcpy(ram + at, args->initrd, args->initrd_size);
		put32(zp + BP_RAMDISK_IMAGE, (uint32_t)at);
		put32(zp + BP_RAMDISK_SIZE, (uint32_t)args->initrd_size);
		put32(zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(at >> 32));
		put32(zp + BP_EXT_RAMDISK_SIZE, 0);
	}
	write_page_tables(ram);
	write_gdt(ram);
	return 0;
}
