# build/bin/vmbench-tool (included from baselines/containers/build.mk).
TOOL_SRCS := $(wildcard bench/vmbench/tools/*.c)
TOOL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(TOOL_SRCS))
TOOL_PKGS := jansson yaml-0.1

ALL_TARGETS += $(BIN)/vmbench-tool

$(BIN)/vmbench-tool: $(TOOL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(shell pkg-config --libs $(TOOL_PKGS))

$(BUILD)/obj/bench/vmbench/tools/%.o: bench/vmbench/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags $(TOOL_PKGS)) -c -o $@ $<
