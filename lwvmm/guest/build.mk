# The built-in guest: a freestanding static ELF linked at 0x200000, holding
# the library OS and every workload. lwvmm embeds it (lwvmm/guest_image.S).
GUEST_DIR   := lwvmm/guest
GUEST_ELF   := $(BUILD)/guest/guest.elf
GUEST_CFLAGS := -std=gnu11 -g -Wall -Wextra -Werror -MMD -MP $(WL_CODEGEN) \
	-ffreestanding -fno-stack-protector -fno-pic -fno-pie -fcf-protection=none \
	-fno-asynchronous-unwind-tables -Ilwvmm/include -I$(GUEST_DIR) -Ibench/workloads \
	-Ipv-drivers -Ipv-drivers/front
GUEST_SRCS  := $(addprefix $(GUEST_DIR)/,main.c hypercall.c libos.c pages.c threads.c string.c disk.c bcache.c \
	selftest_rings.c selftest_net.c) \
	$(addprefix pv-drivers/front/,attach.c evtchn.c blkfront.c consfront.c netfront.c) $(WL_SRCS) $(WL_VM_SRCS)
# GUEST_EXTRA_SRCS/GUEST_EXTRA_CFLAGS: more guest code from other fragments (the TCP/IP stack).
GUEST_SRCS  += $(GUEST_EXTRA_SRCS)
GUEST_CFLAGS += $(GUEST_EXTRA_CFLAGS)
GUEST_OBJS  := $(BUILD)/guest/start.o $(patsubst %.c,$(BUILD)/guest/%.o,$(GUEST_SRCS))

$(BUILD)/guest/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(BUILD)/guest/start.o: $(GUEST_DIR)/start.S
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

# libgcc supplies 128-bit division (TSC to nanoseconds); it needs no libc.
$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_DIR)/guest.ld
	$(CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T $(GUEST_DIR)/guest.ld -o $@ $(GUEST_OBJS) -lgcc

# The front ends see no guest or workload header (pv-drivers/front/platform.h
# is their whole view of the guest): their include path leaves both out.
$(BUILD)/guest/pv-drivers/front/%.o: GUEST_CFLAGS := $(filter-out -Ibench/workloads -I$(GUEST_DIR),$(GUEST_CFLAGS))
