# Fuzz targets (libFuzzer, clang): tests/fuzz/fuzz_NAME.c becomes
# build/tests/fuzz/fuzz_NAME, built with ASan and UBSan (every report
# aborts, so libFuzzer keeps the input). A target lists the project sources
# it links in FUZZ_SRCS_NAME, extra flags in FUZZ_FLAGS_NAME and libraries in
# FUZZ_LIBS_NAME; tests/fuzz/targets gives its limits. tests/fuzz/fuzz.t runs
# each briefly in `make test`; `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_DIR := $(BUILD)/tests/fuzz
FUZZ_CC := $(shell command -v clang-14 || command -v clang)
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -MMD -MP \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Ilwvmm -Ilwvmm/include -Ipv-drivers
FUZZ_SECONDS ?= 60

FUZZ_NAMES := $(shell awk '!/^\#/ && NF { print $$1 }' tests/fuzz/targets)
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))

FUZZ_SRCS_blk_ring := pv-drivers/blk_check.c lwvmm/guest_memory.c
FUZZ_SRCS_elf_loader := lwvmm/elf_loader.c lwvmm/guest_memory.c

ifneq ($(FUZZ_CC),)
TEST_DEPS += $(FUZZ_BINS)
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FLAGS_$*) -o $@ $< $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*)
endif
HOST_TESTS += tests/fuzz/fuzz.t

# make fuzz: every target for FUZZ_SECONDS with a random seed, its corpus
# growing in build/fuzz/corpus/NAME (seeded from tests/fuzz/corpus/NAME).
.PHONY: fuzz
fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/fuzz-all $(FUZZ_NAMES)
