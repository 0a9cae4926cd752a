# The workloads, built twice from the same sources: natively (build/bin/workload)
# and for the built-in guest (objects linked by lwvmm/guest/build.mk).
# Both builds use the same code-generation flags so that floating-point
# results match bit for bit; loops stay loops (no memcpy substitution), as
# STREAM intends.
WL_DIR      := bench/workloads
WL_SRCS     := $(addprefix $(WL_DIR)/,cpu.c mem.c memlat.c noise.c io.c io_common.c registry.c wl_common.c wl_format.c \
	net.c numa_eng.c numa_ray.c alloc.c dataset.c)
# Linked into the guest only: the VM-only workloads and io's ring driver
# (natively io_native.c runs fio instead). registry.c names them weakly.
WL_VM_SRCS  := $(addprefix $(WL_DIR)/,hypercall.c selftest.c io_vm.c dataset_vm.c)
WL_CODEGEN  := -O2 -fno-math-errno -fno-tree-loop-distribute-patterns
WL_NATIVE_OBJS := $(patsubst %.c,$(BUILD)/native/%.o,$(WL_SRCS) $(WL_DIR)/wl_linux.c \
	$(WL_DIR)/io_native.c $(WL_DIR)/dataset_native.c $(WL_DIR)/net_linux.c $(WL_DIR)/workload_main.c $(WL_DIR)/workload_names.c \
	bench/common/stop_sweep.c)

$(BUILD)/native/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WL_CODEGEN) -I$(WL_DIR) -Ibench/common -c -o $@ $<

$(BUILD)/native/$(WL_DIR)/workload_main.o: CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/native/$(WL_DIR)/workload_main.o: $(VERSION_STAMP)

$(BIN)/workload: $(WL_NATIVE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -ljansson -lpthread

ALL_TARGETS += $(BIN)/workload

# The net workload's native TCP (sockets) for the workload unit test, whose
# source list tests/build.mk sets after this file; and its host-side peer.
$(BUILD)/tests/unit/test_workload_format: TEST_SRCS_test_workload_format += $(WL_DIR)/net_linux.c
include bench/netpeer/build.mk
