# netpeer: the net workload's host-side peer (sink and echo), build/bin/netpeer.
# Included from bench/workloads/build.mk.
NETPEER_OBJS := $(BUILD)/native/bench/netpeer/netpeer.o

$(BUILD)/native/bench/netpeer/%.o: bench/netpeer/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ibench/workloads -c -o $@ $<

$(BIN)/netpeer: $(NETPEER_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread

ALL_TARGETS += $(BIN)/netpeer
