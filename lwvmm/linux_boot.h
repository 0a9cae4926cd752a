/*
 * Direct 64-bit boot of a Linux bzImage (Documentation/arch/x86/boot.rst,
 * protocol 2.12 and later): no BIOS and no real mode. The monitor loads the
 * protected-mode kernel at 1 MiB, fills the zero page (struct boot_params:
 * the image's setup header, the e820 map, the command line and initrd
 * addresses) and enters the kernel's 64-bit entry point with %rsi pointing
 * at the zero page, on identity-mapped page tables and a flat GDT.
 *
 * Everything here works on a buffer standing for guest RAM, so that the
 * loader is unit-tested without KVM (tests/unit/test_linux_boot.c).
 */
#ifndef LWVMM_LINUX_BOOT_H
#define LWVMM_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>

/* Where things go in a Linux guest's physical memory. */
#define LINUX_GDT_GPA       0x1000ULL    /* null, null, code (0x10), data (0x18) */
#define LINUX_ZERO_PAGE_GPA 0x7000ULL
#define LINUX_PML4_GPA      0x9000ULL    /* then the PDPT and four page directories */
#define LINUX_CMDLINE_GPA   0x20000ULL
#define LINUX_CMDLINE_MAX   4096
#define LINUX_KERNEL_GPA    0x100000ULL  /* 1 MiB: where protected-mode kernels go */
#define LINUX_LOW_RAM_END   0x9fc00ULL   /* the e820 map's first range ends here */
#define LINUX_MAX_RAM       (3ULL << 30) /* below the 32-bit hole, which is not modelled */
#define LINUX_BOOT_CS       0x10
#define LINUX_BOOT_DS       0x18

struct linux_image {
	const uint8_t *file;       /* the whole bzImage */
	size_t file_size;
	size_t setup_size;         /* (setup_sects + 1) * 512: the real-mode part */
	uint16_t version;          /* boot protocol, e.g. 0x020f */
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint64_t entry64;          /* guest-physical 64-bit entry point */
};

/* Checks a bzImage's header: 0, or -1 with `why` (not a bzImage, too old, no 64-bit entry). */
int linux_image_parse(struct linux_image *img, const uint8_t *file, size_t size,
		      char *why, size_t why_len);

struct linux_boot_args {
	const char *cmdline;
	const uint8_t *initrd;     /* NULL: none */
	size_t initrd_size;
	uint64_t acpi_rsdp;        /* 0: no ACPI tables; else their RSDP, told to the kernel in the zero page */
};

/*
 * Lays the kernel, zero page, command line, initrd, GDT and page tables out
 * in `ram` (guest-physical 0 .. ram_size). 0, or -1 with `why` (the kernel or
 * the initrd does not fit, the command line is too long).
 */
int linux_boot_load(const struct linux_image *img, const struct linux_boot_args *args,
		    uint8_t *ram, uint64_t ram_size, char *why, size_t why_len);

#endif
