/*
 * Loads a static 64-bit ELF executable (the built-in guest) into guest RAM.
 * Every segment must lie between `load_min` and the end of RAM; the image
 * comes from our own build, but a loader that trusts its input is a bug
 * waiting for the day it loads something else. The headers are copied out
 * with memcpy: neither the image nor e_phoff need be aligned.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "elf_loader.h"
#include "guest_memory.h"

int elf_load(const uint8_t *image, size_t size, uint8_t *ram, uint64_t mem_size,
	     uint64_t load_min, struct elf_info *info, char *why, size_t why_len)
{
	Elf64_Ehdr ehdr, *eh = &ehdr;

	if (size >= sizeof(ehdr))
		memcpy(&ehdr, image, sizeof(ehdr));
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_type != ET_EXEC) {
		snprintf(why, why_len, "guest image is not a 64-bit x86 ELF executable");
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > size ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff) {
		snprintf(why, why_len, "guest image has a truncated program header table");
		return -1;
	}
	info->entry = eh->e_entry;
	info->end = load_min;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, image + eh->e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
		    ph.p_filesz > size - ph.p_offset) {
			snprintf(why, why_len, "guest image segment %d lies outside the file", i);
			return -1;
		}
		if (ph.p_paddr < load_min || !guest_range_ok(mem_size, ph.p_paddr, ph.p_memsz)) {
			snprintf(why, why_len, "guest image segment %d (0x%llx, %llu bytes) does not fit in RAM",
				 i, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz);
			return -1;
		}
		memcpy(ram + ph.p_paddr, image + ph.p_offset, ph.p_filesz);
		/* RAM comes from a fresh memfd, so the bss is already zero. */
		if (ph.p_paddr + ph.p_memsz > info->end)
			info->end = ph.p_paddr + ph.p_memsz;
	}
	if (info->entry < load_min || info->entry >= info->end) {
		snprintf(why, why_len, "guest image entry point 0x%llx is outside its segments",
			 (unsigned long long)info->entry);
		return -1;
	}
	return 0;
}
