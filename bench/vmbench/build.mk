# vmbench, the benchmark harness, and the report generator in reports/, with
# what both use in bench/common/. Every .c file of those folders goes into
# build/bin/vmbench, so a new runner (runner_container.c) needs no change here.
VMBENCH_SRCS   := $(wildcard bench/vmbench/*.c) $(wildcard reports/*.c) $(wildcard bench/common/*.c) \
	lwvmm/options.c
VMBENCH_OBJS   := $(patsubst %.c,$(BUILD)/obj/vmbench/%.o,$(VMBENCH_SRCS))
VMBENCH_PKGS   := jansson hwloc
VMBENCH_CFLAGS := $(CFLAGS) -Ibench/vmbench -Ireports -Ibench/common -idirafter lwvmm \
	$(shell pkg-config --cflags $(VMBENCH_PKGS))
VMBENCH_LIBS   := $(shell pkg-config --libs $(VMBENCH_PKGS)) -lm

ALL_TARGETS += $(BIN)/vmbench

$(BIN)/vmbench: $(VMBENCH_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(VMBENCH_OBJS) $(VMBENCH_LIBS)

$(BUILD)/obj/vmbench/bench/vmbench/main.o: VMBENCH_CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/obj/vmbench/bench/vmbench/main.o: $(VERSION_STAMP)

$(BUILD)/obj/vmbench/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(VMBENCH_CFLAGS) -c -o $@ $<

# Unit tests (tests/unit/, built by the pattern rule in tests/build.mk).
# tests/build.mk is included after this file, so $(UNIT_DIR) is not set
# yet here and UNIT_TESTS is a simple variable: spell the folder out.
VMBENCH_UNIT := $(BUILD)/tests/unit
VMBENCH_TESTS := $(VMBENCH_UNIT)/test_result_line $(VMBENCH_UNIT)/test_stats \
	$(VMBENCH_UNIT)/test_vmbench_suite $(VMBENCH_UNIT)/test_vmbench_report \
	$(VMBENCH_UNIT)/test_vmbench_spawn $(VMBENCH_UNIT)/test_vmbench_report_input
UNIT_TESTS += $(VMBENCH_TESTS)
TEST_SRCS_test_result_line := bench/vmbench/result_line.c
TEST_SRCS_test_stats := bench/common/stats.c
TEST_LIBS_test_stats := -lm
TEST_SRCS_test_vmbench_suite := bench/vmbench/suite.c lwvmm/options.c
TEST_LIBS_test_vmbench_suite := $(shell pkg-config --libs jansson)
TEST_SRCS_test_vmbench_report := reports/report_data.c reports/report_md.c reports/report_numa.c \
	reports/report_density.c reports/report_chart.c reports/report_chart_data.c bench/common/spawn.c \
	reports/report_cell.c reports/report_fmt.c reports/report_html.c bench/common/stats.c bench/common/paths.c
TEST_LIBS_test_vmbench_report := $(shell pkg-config --libs jansson hwloc) -lm
TEST_SRCS_test_vmbench_report_input := $(TEST_SRCS_test_vmbench_report) \
	reports/report_export.c reports/report_compare.c
TEST_LIBS_test_vmbench_report_input := $(TEST_LIBS_test_vmbench_report)
TEST_SRCS_test_vmbench_spawn := bench/common/spawn.c
TEST_LIBS_test_vmbench_spawn := $(shell pkg-config --libs hwloc)

# lwvmm/ also has a stats.h and tests/build.mk puts -Ilwvmm first: -iquote
# directories are searched before -I ones, so our headers win in our tests.
$(VMBENCH_UNIT)/test_result_line $(VMBENCH_UNIT)/test_stats $(VMBENCH_UNIT)/test_vmbench_%: TEST_CFLAGS += -iquote bench/vmbench -iquote reports -iquote bench/common
include bench/vmbench/fanout/build.mk
