# Unit tests: tests/unit/NAME.c becomes build/tests/unit/NAME, built with
# ASan and UBSan and linked with cmocka. A fragment that adds a test appends
# it to UNIT_TESTS and lists the sources it needs in TEST_SRCS_NAME and any
# extra libraries in TEST_LIBS_NAME. Tests print TAP (CMOCKA_MESSAGE_OUTPUT).
UNIT_DIR := $(BUILD)/tests/unit
TEST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror $(SAN) \
	-Ilwvmm/include -Ilwvmm -Ipv-drivers -Ibench/workloads -Ibench/vmbench -Ibench/common -Ireports

.SECONDEXPANSION:
$(UNIT_DIR)/%: tests/unit/%.c $$(TEST_SRCS_$$*) | $(UNIT_DIR)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_SRCS_$*) $(shell pkg-config --cflags --libs cmocka) $(TEST_LIBS_$*)

$(UNIT_DIR):
	mkdir -p $@

# Host tests are TAP scripts that need /dev/kvm; they skip themselves
# (TAP "1..0 # SKIP reason") where it is missing.
HOST_TESTS += $(sort $(wildcard tests/host/*.t))

# The monitor's and the workloads' unit tests.
UNIT_TESTS += $(addprefix $(UNIT_DIR)/,test_pagetable test_hypercall_check test_options \
	test_elf_loader test_workload_format test_numa_pt test_domain_file test_memmap test_linux_boot)
TEST_SRCS_test_linux_boot := lwvmm/linux_boot.c lwvmm/linux_acpi.c lwvmm/uart8250.c lwvmm/i8042.c
TEST_SRCS_test_memmap := lwvmm/memmap.c pv-drivers/guest_memory.c
TEST_SRCS_test_domain_file := lwvmm/domain_file.c lwvmm/options.c
TEST_LIBS_test_domain_file := -ljansson
TEST_SRCS_test_pagetable := lwvmm/pagetable.c
TEST_SRCS_test_numa_pt := lwvmm/numa_pt.c lwvmm/pagetable.c
TEST_SRCS_test_hypercall_check := lwvmm/hypercall_check.c pv-drivers/guest_memory.c
TEST_SRCS_test_options := lwvmm/options.c
TEST_SRCS_test_elf_loader := lwvmm/elf_loader.c pv-drivers/guest_memory.c
TEST_SRCS_test_workload_format := $(WL_SRCS) bench/workloads/wl_linux.c bench/workloads/io_native.c bench/workloads/dataset_native.c bench/common/stop_sweep.c \
	bench/workloads/workload_names.c
TEST_LIBS_test_workload_format := -ljansson -lpthread -lm

# The ring protocol and the block back end's checks.
UNIT_TESTS += $(UNIT_DIR)/test_ring $(UNIT_DIR)/test_blk_check
TEST_SRCS_test_blk_check := pv-drivers/blkback.c pv-drivers/blk_share.c pv-drivers/guest_memory.c pv-drivers/backend.c
TEST_LIBS_test_blk_check := -luring -lpthread -Wl,--wrap=guest_io_check   # a guest rewriting the slot during the check

# virtio: the split virtqueue against a hostile driver, and virtio-blk's requests on it.
UNIT_TESTS += $(UNIT_DIR)/test_virtqueue $(UNIT_DIR)/test_pci
TEST_SRCS_test_virtqueue := pv-drivers/virtqueue.c pv-drivers/virtio_blk.c pv-drivers/virtio_pci.c \
	pv-drivers/blkback.c pv-drivers/blk_share.c pv-drivers/guest_memory.c pv-drivers/backend.c
TEST_LIBS_test_virtqueue := -luring -lpthread
TEST_SRCS_test_pci := lwvmm/pci.c pv-drivers/virtio_pci.c

# Fuzz targets (libFuzzer, clang): their rules and how they run.
include tests/fuzz/build.mk
