/* Loading the guest image: good images load, malformed ones are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <cmocka.h>

#include "elf_loader.h"

#define RAM (8u << 20)
#define LOAD 0x200000u

struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[64];
};

static struct image img;
static uint8_t *ram;
static char why[160];

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM);
	memset(&img, 0, sizeof(img));
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS64;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_X86_64;
	img.eh.e_entry = LOAD;
	img.eh.e_phoff = offsetof(struct image, ph);
	img.eh.e_phentsize = sizeof(Elf64_Phdr);
	img.eh.e_phnum = 2;
	img.ph[0].p_type = PT_LOAD;
	img.ph[0].p_offset = offsetof(struct image, text);
	img.ph[0].p_paddr = LOAD;
	img.ph[0].p_filesz = sizeof(img.text);
	img.ph[0].p_memsz = 4096;   /* with a bss */
	img.ph[1].p_type = PT_NOTE;
	memset(img.text, 0x90, sizeof(img.text));
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static int load(struct elf_info *info)
{
	return elf_load((const uint8_t *)&img, sizeof(img), ram, RAM, LOAD, info, why, sizeof(why));
}

static void test_good_image(void **state)
{
	(void)state;
	struct elf_info info;
	assert_int_equal(load(&info), 0);
	assert_int_equal(info.entry, LOAD);
	assert_int_equal(info.end, LOAD + 4096);
	assert_int_equal(ram[LOAD], 0x90);
	assert_int_equal(ram[LOAD + sizeof(img.text)], 0);
}

static void test_bad_magic(void **state)
{
	(void)state;
	struct elf_info info;
	img.eh.e_ident[1] = 'X';
	assert_int_equal(load(&info), -1);
	assert_non_null(strstr(why, "not a 64-bit"));
}

static void test_segment_outside_ram(void **state)
{
	(void)state;
	struct elf_info info;
	img.ph[0].p_paddr = RAM - 16;
	assert_int_equal(load(&info), -1);
	img.ph[0].p_paddr = 0x1000;   /* below the load area */
	assert_int_equal(load(&info), -1);
	img.ph[0].p_paddr = UINT64_MAX - 8;   /* wraps */
	assert_int_equal(load(&info), -1);
}

static void test_segment_outside_file(void **state)
{
	(void)state;
	struct elf_info info;
	img.ph[0].p_filesz = sizeof(img);
	assert_int_equal(load(&info), -1);
	assert_non_null(strstr(why, "outside the file"));
}

static void test_truncated_headers(void **state)
{
	(void)state;
	struct elf_info info;
	img.eh.e_phnum = 1000;
	assert_int_equal(load(&info), -1);
	assert_non_null(strstr(why, "truncated"));
}

static void test_entry_outside_segments(void **state)
{
	(void)state;
	struct elf_info info;
	img.eh.e_entry = LOAD + 8192;
	assert_int_equal(load(&info), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_magic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_segment_outside_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_outside_segments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
