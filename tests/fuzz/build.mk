# Fuzz targets (libFuzzer, clang): tests/fuzz/fuzz_NAME.c becomes
# build/tests/fuzz/fuzz_NAME, built with ASan and UBSan (every report
# aborts, so libFuzzer keeps the input). A target lists the project sources
# it links in FUZZ_SRCS_NAME, extra flags in FUZZ_FLAGS_NAME and libraries in
# FUZZ_LIBS_NAME, and a file it #includes (to reach static functions) in
# FUZZ_INCLUDES_NAME; tests/fuzz/targets gives its limits. tests/fuzz/fuzz.t runs
# each briefly in `make test`; `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_DIR := $(BUILD)/tests/fuzz
FUZZ_CC := $(shell command -v clang-14 || command -v clang)
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-Ilwvmm -Ilwvmm/include -Ipv-drivers
FUZZ_SECONDS ?= 60

FUZZ_NAMES := $(shell awk '!/^\#/ && NF { print $$1 }' tests/fuzz/targets)
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))

FUZZ_SRCS_blk_ring := pv-drivers/blkback.c pv-drivers/blk_share.c pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_blk_ring := -luring -lpthread
FUZZ_SRCS_elf_loader := lwvmm/elf_loader.c pv-drivers/guest_memory.c
FUZZ_SRCS_lwvmm_options := lwvmm/options.c
FUZZ_SRCS_disk_spec := pv-drivers/blkback.c pv-drivers/blk_share.c pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_disk_spec := -luring -lpthread
FUZZ_SRCS_hypercall := lwvmm/hypercall_check.c pv-drivers/guest_memory.c
FUZZ_INCLUDES_blkback := pv-drivers/blkback.c
FUZZ_SRCS_blkback := pv-drivers/blk_share.c pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_blkback := -luring -lpthread
FUZZ_SRCS_blk_race := pv-drivers/blkback.c pv-drivers/blk_share.c pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_blk_race := -luring -lpthread
FUZZ_SRCS_consback := pv-drivers/consback.c pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_consback := -lpthread
FUZZ_INCLUDES_netback := pv-drivers/netback.c
FUZZ_SRCS_netback := pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_netback := -lpthread
FUZZ_SRCS_ctrun_opts := baselines/containers/ctrun_opts.c lwvmm/options.c
FUZZ_FLAGS_ctrun_opts := -Ibaselines/containers -idirafter lwvmm
FUZZ_SRCS_result_line := bench/vmbench/result_line.c
FUZZ_FLAGS_result_line := -iquote bench/vmbench
FUZZ_SRCS_suite := bench/vmbench/suite.c lwvmm/options.c
FUZZ_FLAGS_suite := -iquote bench/vmbench -idirafter lwvmm
FUZZ_LIBS_suite := -ljansson
FUZZ_SRCS_domain_file := lwvmm/domain_file.c lwvmm/options.c
FUZZ_LIBS_domain_file := -ljansson
FUZZ_SRCS_report := reports/report_data.c reports/report_md.c reports/report_numa.c reports/report_cell.c \
	reports/report_density.c reports/report_chart.c reports/report_chart_data.c bench/common/spawn.c \
	reports/report_fmt.c reports/report_html.c bench/common/stats.c bench/common/paths.c
FUZZ_FLAGS_report := -iquote reports -iquote bench/vmbench -iquote bench/common
FUZZ_LIBS_report := -ljansson $(shell pkg-config --libs hwloc) -lm
FUZZ_SRCS_tool_json := bench/vmbench/tools/tool_parse_json.c bench/vmbench/result_line.c
FUZZ_FLAGS_tool_json := -iquote bench/vmbench/tools -iquote bench/vmbench
FUZZ_LIBS_tool_json := -ljansson
FUZZ_SRCS_tool_yaml := bench/vmbench/tools/tool_parse_yaml.c bench/vmbench/tools/tool_parse_json.c \
	bench/vmbench/result_line.c
FUZZ_FLAGS_tool_yaml := -iquote bench/vmbench/tools -iquote bench/vmbench
FUZZ_LIBS_tool_yaml := -ljansson -lyaml
FUZZ_INCLUDES_mmio_decode := lwvmm/devices.c
FUZZ_SRCS_mmio_decode := lwvmm/evtchn.c pv-drivers/guest_memory.c pv-drivers/backend.c \
	pv-drivers/blkback.c pv-drivers/blk_share.c pv-drivers/consback.c pv-drivers/netback.c
FUZZ_LIBS_mmio_decode := -luring -lpthread
FUZZ_INCLUDES_net_spec := pv-drivers/netback.c
FUZZ_SRCS_net_spec := pv-drivers/guest_memory.c pv-drivers/backend.c
FUZZ_LIBS_net_spec := -lpthread

ifneq ($(FUZZ_CC),)
TEST_DEPS += $(FUZZ_BINS)
# clang writes one .d file for several sources, so every header is a prerequisite.
FUZZ_HEADERS := $(wildcard lwvmm/*.h lwvmm/include/*.h pv-drivers/*.h bench/vmbench/*.h \
	bench/vmbench/tools/*.h bench/common/*.h reports/*.h baselines/containers/*.h tests/fuzz/*.h)
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) $$(FUZZ_INCLUDES_$$*) $(FUZZ_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FLAGS_$*) -o $@ $< $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*)
endif
HOST_TESTS += tests/fuzz/fuzz.t

# make fuzz: every target for FUZZ_SECONDS with a random seed, its corpus
# growing in build/fuzz/corpus/NAME (seeded from tests/fuzz/corpus/NAME).
.PHONY: fuzz
ifneq ($(FUZZ_CC),)
fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/fuzz-all $(FUZZ_NAMES)
else
fuzz:
	@echo "make fuzz needs clang-14 and libclang-rt-14-dev (make deps)" >&2; exit 1
endif
