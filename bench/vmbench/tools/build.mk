# build/bin/vmbench-tool (included from baselines/containers/build.mk).
TOOL_SRCS := $(wildcard bench/vmbench/tools/*.c)
TOOL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(TOOL_SRCS)) $(BUILD)/obj/tool/bench/common/stop_sweep.o
TOOL_PKGS := jansson yaml-0.1

ALL_TARGETS += $(BIN)/vmbench-tool

$(BIN)/vmbench-tool: $(TOOL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(shell pkg-config --libs $(TOOL_PKGS))

$(BUILD)/obj/bench/vmbench/tools/tool_main.o: CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/obj/bench/vmbench/tools/tool_main.o: $(VERSION_STAMP)

$(BUILD)/obj/bench/vmbench/tools/%.o: bench/vmbench/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ibench/common $(shell pkg-config --cflags $(TOOL_PKGS)) -c -o $@ $<

# What it shares with the native io workload and vmbench gc: stopping a tool, sweeping.
$(BUILD)/obj/tool/bench/common/stop_sweep.o: bench/common/stop_sweep.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<
