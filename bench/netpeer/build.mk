# netpeer: the net workload's host-side peer (sink and echo), build/bin/netpeer.
# Included from bench/workloads/build.mk.
NETPEER_OBJS := $(BUILD)/native/bench/netpeer/netpeer.o

$(BUILD)/native/bench/netpeer/%.o: bench/netpeer/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ibench/workloads -c -o $@ $<

$(BUILD)/native/bench/netpeer/netpeer.o: CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/native/bench/netpeer/netpeer.o: $(VERSION_STAMP)

$(BIN)/netpeer: $(NETPEER_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread

ALL_TARGETS += $(BIN)/netpeer

# Its unit test, with the harness's net cells (tests/unit/test_net_cell.c). The
# folder is spelled out: tests/build.mk, which sets UNIT_DIR, comes later.
NETPEER_UNIT := $(BUILD)/tests/unit/test_net_cell
UNIT_TESTS += $(NETPEER_UNIT)
TEST_SRCS_test_net_cell := bench/vmbench/netcell.c bench/common/paths.c
TEST_LIBS_test_net_cell := $(shell pkg-config --libs jansson hwloc)
$(NETPEER_UNIT): TEST_CFLAGS += -iquote bench/vmbench -iquote bench/common
$(NETPEER_UNIT): | $(BIN)/netpeer
