/*
 * Laying out guest memory for the built-in guest (see lwvmm_abi.h):
 *
 *   0x000000  absent page (NULL)
 *   0x001000  boot information, read-only for the guest
 *   0x002000  hypercall blocks, one page per vCPU
 *   0x100000  GDT, TSS and page tables: the monitor's, absent for the guest
 *   0x200000  the guest image (static ELF linked at this address)
 *   ...       one stack per vCPU, then the heap up to the end of RAM
 */
#include <stdio.h>
#include <string.h>

#include "elf_loader.h"
#include "pagetable.h"
#include "vm.h"
#include "x86.h"

/* The guest ELF, embedded by guest_image.S. */
extern const uint8_t lwvmm_guest_image_start[];
extern const uint8_t lwvmm_guest_image_end[];

#define MIN_HEAP (1ULL << 20)

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static int write_bootinfo(struct vm *vm, char *why, size_t why_len)
{
	const struct vm_config *c = vm->config;
	struct lw_bootinfo *bi = guest_ptr(&vm->mem, LW_BOOTINFO_GPA, sizeof(*bi));
	size_t used = 0;

	bi->magic = LW_BOOTINFO_MAGIC;
	bi->abi_version = LW_ABI_VERSION;
	bi->ncpus = (uint32_t)vm->ncpus;
	bi->mem_size = vm->mem.size;
	bi->heap_start = align_up(vm->stack_base + (uint64_t)vm->ncpus * LW_STACK_SIZE, 64);
	bi->heap_end = vm->mem.size;
	bi->tsc_khz = vm->tsc_khz;
	bi->doorbell_gpa = LW_DOORBELL_GPA;
	bi->stack_base = vm->stack_base;
	bi->stack_size = LW_STACK_SIZE;
	if (1 + c->argc > LW_MAX_ARGS) {
		snprintf(why, why_len, "too many workload arguments (at most %d)", LW_MAX_ARGS - 1);
		return -1;
	}
	for (int i = 0; i <= c->argc; i++) {
		const char *arg = i == 0 ? c->workload : c->argv[i - 1];
		size_t len = strlen(arg) + 1;
		if (used + len > LW_ARGS_BYTES) {
			snprintf(why, why_len, "workload arguments longer than %d bytes", LW_ARGS_BYTES);
			return -1;
		}
		memcpy(bi->args + used, arg, len);
		bi->argv_offset[i] = used;
		used += len;
	}
	bi->argc = (uint32_t)c->argc + 1;
	return 0;
}

int boot_builtin_guest(struct vm *vm, char *why, size_t why_len)
{
	uint8_t *area = vm->mem.host + LW_PAGETABLE_GPA;
	struct pagetable_layout layout = {
		.mem_size = vm->mem.size,
		.ncpus = vm->ncpus,
		.hcblock_pages = (uint64_t)vm->ncpus,
	};
	struct elf_info elf;

	if (pagetable_build(area, &layout, why, why_len) < 0)
		return -1;
	x86_write_gdt(area);
	if (elf_load(lwvmm_guest_image_start,
		     (size_t)(lwvmm_guest_image_end - lwvmm_guest_image_start),
		     vm->mem.host, vm->mem.size, LW_IMAGE_GPA, &elf, why, why_len) < 0)
		return -1;
	vm->entry_rip = elf.entry;
	vm->stack_base = align_up(elf.end, LW_PAGE_SIZE);
	uint64_t heap = vm->stack_base + (uint64_t)vm->ncpus * LW_STACK_SIZE;
	if (heap + MIN_HEAP > vm->mem.size) {
		snprintf(why, why_len, "--mem %llu MiB is too small for the guest image and %d vCPU stacks",
			 (unsigned long long)(vm->mem.size >> 20), vm->ncpus);
		return -1;
	}
	return write_bootinfo(vm, why, why_len);
}
