# guestimg (the Linux guest's initramfs builder) and guest-init, the static
# /init it puts in every image (bench/guestimg/README.md). guestimg links
# ctrun's root file system code (rootfs.c and what it calls) rather than a copy.
GI_SRCS := bench/guestimg/guestimg_main.c bench/guestimg/cpio_newc.c \
	bench/guestimg/kmod_deps.c bench/guestimg/kernel_info.c
GI_CT_SRCS := baselines/containers/rootfs.c baselines/containers/proc.c \
	baselines/containers/cleanup.c
GI_OBJS := $(patsubst %.c,$(BUILD)/obj/guestimg/%.o,$(GI_SRCS) $(GI_CT_SRCS))
GI_CFLAGS := $(CFLAGS) -Ibench/guestimg -Ibaselines/containers -idirafter lwvmm \
	$(shell pkg-config --cflags jansson)

ALL_TARGETS += $(BIN)/guestimg $(BIN)/guest-init

$(BIN)/guestimg: $(GI_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(GI_OBJS) $(shell pkg-config --libs jansson)

$(BUILD)/obj/guestimg/bench/guestimg/guestimg_main.o: GI_CFLAGS += $(VERSION_CFLAGS)
$(BUILD)/obj/guestimg/bench/guestimg/guestimg_main.o: $(VERSION_STAMP)

$(BUILD)/obj/guestimg/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GI_CFLAGS) -c -o $@ $<

$(BIN)/guest-init: bench/guestimg/guest_init.c lwvmm/include/lwvmm_abi.h
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -MMD -MP,$(CFLAGS)) -static -Ilwvmm/include -o $@ $<

# Unit test (tests/unit/, pattern rule in tests/build.mk, included before this file).
UNIT_TESTS += $(UNIT_DIR)/test_guestimg
TEST_SRCS_test_guestimg := bench/guestimg/kmod_deps.c bench/guestimg/cpio_newc.c
$(UNIT_DIR)/test_guestimg: TEST_CFLAGS += -iquote bench/guestimg
