/*
 * libFuzzer target: the ELF loader (lwvmm/elf_loader.c) on any file. The
 * input is the image itself, at any alignment (the first byte says how far
 * to shift it), loaded into a small RAM. ASan and UBSan report any access
 * outside the image or RAM and any misaligned read; an accepted image must
 * have its entry inside what it loaded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf_loader.h"

#define RAM_SIZE (1u << 20)
#define LOAD_MIN 0x10000u

static uint8_t *ram;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;
	char why[200];

	if (!ram)
		ram = calloc(1, RAM_SIZE);
	if (size < 1)
		return 0;
	/* The image as the loader may be handed it: at an odd address too. */
	size_t shift = data[0] % 8;
	uint8_t *image = malloc(size - 1 + shift);
	if (!image)
		return 0;
	memcpy(image + shift, data + 1, size - 1);
	if (elf_load(image + shift, size - 1, ram, RAM_SIZE, LOAD_MIN, &info, why, sizeof(why)) == 0 &&
	    (info.entry < LOAD_MIN || info.entry >= info.end || info.end > RAM_SIZE))
		abort();
	free(image);
	return 0;
}
