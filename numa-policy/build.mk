# numa-policy: Disco's NUMA placement, pmap and policy as a library that
# lwvmm will link (build/lib/libnuma-policy.a, with hwloc and libnuma).
# tests/build.mk is included after this file: spell the unit folder out.
NUMA_SRCS := $(wildcard numa-policy/*.c)
NUMA_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(NUMA_SRCS))
NUMA_LIB  := $(BUILD)/lib/libnuma-policy.a
NUMA_LIBS := $(shell pkg-config --libs hwloc) -lnuma

ALL_TARGETS += $(NUMA_LIB)

$(NUMA_LIB): $(NUMA_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/numa-policy/%.o: numa-policy/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags hwloc) -c -o $@ $<

NUMA_UNIT  := $(BUILD)/tests/unit
NUMA_TESTS := $(NUMA_UNIT)/test_numa_topology $(NUMA_UNIT)/test_numa_placement \
	$(NUMA_UNIT)/test_numa_pmap $(NUMA_UNIT)/test_numa_policy \
	$(NUMA_UNIT)/test_numa_run_spec
UNIT_TESTS += $(NUMA_TESTS)
TEST_SRCS_test_numa_topology := numa-policy/topology.c numa-policy/spec.c
TEST_LIBS_test_numa_topology := $(NUMA_LIBS)
TEST_SRCS_test_numa_placement := numa-policy/placement.c numa-policy/topology.c numa-policy/spec.c \
	numa-policy/pmap.c
TEST_LIBS_test_numa_placement := $(NUMA_LIBS)
TEST_SRCS_test_numa_pmap := numa-policy/pmap.c
TEST_SRCS_test_numa_policy := numa-policy/policy.c numa-policy/pmap.c
TEST_SRCS_test_numa_run_spec := numa-policy/run_spec.c numa-policy/spec.c numa-policy/policy.c numa-policy/pmap.c
$(NUMA_TESTS): TEST_CFLAGS += -iquote numa-policy
