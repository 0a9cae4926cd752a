# build/bin/fanout: N copies of a program at once, their footprint summed (included from
# bench/vmbench/build.mk; it shares the result line's parser with vmbench).
FANOUT_SRCS := bench/vmbench/fanout/fanout.c bench/vmbench/result_line.c

ALL_TARGETS += $(BIN)/fanout

$(BIN)/fanout: $(FANOUT_SRCS) bench/vmbench/result_line.h
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS)) $(LDFLAGS) -Ibench/vmbench -o $@ $(FANOUT_SRCS)
