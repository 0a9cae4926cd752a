# baselines/containers: ctrun (OCI containers for vmbench's `container`
# environment) and ctstamp (the container's first program, static).
# lwvmm/options.c is the one size parser (--mem), shared with lwvmm and vmbench.
CT_SRCS := $(filter-out baselines/containers/ctstamp.c,$(wildcard baselines/containers/*.c))
CT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CT_SRCS)) $(BUILD)/obj/ct/lwvmm/options.o
CT_CFLAGS := $(CFLAGS) -idirafter lwvmm $(shell pkg-config --cflags jansson)
CT_LIBS := $(shell pkg-config --libs jansson)

ALL_TARGETS += $(BIN)/ctrun $(BIN)/ctstamp

$(BIN)/ctrun: $(CT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CT_OBJS) $(CT_LIBS)

$(BIN)/ctstamp: baselines/containers/ctstamp.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(VERSION_CFLAGS) -static -o $@ $<

$(BUILD)/obj/baselines/containers/ctrun_main.o: CT_CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/obj/baselines/containers/ctrun_main.o: $(VERSION_STAMP)

$(BUILD)/obj/baselines/containers/%.o: baselines/containers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) -c -o $@ $<

$(BUILD)/obj/ct/lwvmm/options.o: lwvmm/options.c
	@mkdir -p $(dir $@)
	$(CC) $(CT_CFLAGS) -c -o $@ $<
-include bench/vmbench/tools/build.mk

# Unit tests (tests/unit/, pattern rule and UNIT_DIR in tests/build.mk, which
# the Makefile includes before this file).
UNIT_TESTS += $(UNIT_DIR)/test_container_config $(UNIT_DIR)/test_container_tools
TEST_SRCS_test_container_config := baselines/containers/oci_config.c
TEST_LIBS_test_container_config := $(CT_LIBS)
TEST_SRCS_test_container_tools := bench/vmbench/tools/tool_parse_json.c \
	bench/vmbench/tools/tool_parse_yaml.c
TEST_LIBS_test_container_tools := -ljansson -lyaml
$(UNIT_DIR)/test_container_config: TEST_CFLAGS += -iquote baselines/containers
$(UNIT_DIR)/test_container_tools: TEST_CFLAGS += -iquote bench/vmbench/tools
