/* Loading the built-in guest's static ELF image into guest RAM. */
#ifndef LWVMM_ELF_LOADER_H
#define LWVMM_ELF_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct elf_info {
	uint64_t entry;  /* e_entry */
	uint64_t end;    /* first byte after the highest segment */
};

/* Returns 0, or -1 with `why` set. Segments must lie in [load_min, mem_size). */
int elf_load(const uint8_t *image, size_t size, uint8_t *ram, uint64_t mem_size,
	     uint64_t load_min, struct elf_info *info, char *why, size_t why_len);

#endif
