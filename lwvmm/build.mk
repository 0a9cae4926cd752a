# lwvmm, the monitor: build/bin/lwvmm, with the built-in guest embedded.
LWVMM_SRCS := $(addprefix lwvmm/,main.c options.c kvm.c vm.c vcpu.c guest_ram.c evtchn.c x86.c \
	pagetable.c elf_loader.c boot.c hypercall.c hypercall_check.c stats.c devices.c kvm_stats.c \
	seccomp.c numa_place.c numa_pt.c numa_track.c numa_repl.c numa_run.c numa_run_stats.c \
	domains.c domains_report.c memmap.c domain_file.c linux_vm.c linux_boot.c linux_acpi.c uart8250.c \
	i8042.c pci.c) \
	$(addprefix pv-drivers/,guest_memory.c backend.c blkback.c blk_share.c consback.c netback.c \
	virtqueue.c virtio_pci.c virtio_blk.c) \
	bench/workloads/workload_names.c
LWVMM_OBJS := $(patsubst %.c,$(BUILD)/monitor/%.o,$(LWVMM_SRCS)) $(BUILD)/monitor/guest_image.o

# The version `lwvmm info` prints: the git revision it was built from.
LWVMM_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

$(BUILD)/monitor/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilwvmm/include -Ilwvmm -Ipv-drivers -c -o $@ $<

# main.o alone carries the version; the stamp changes (and main.o is rebuilt)
# only when the version does.
$(BUILD)/monitor/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = "$(LWVMM_VERSION)" ] || echo "$(LWVMM_VERSION)" > $@
$(BUILD)/monitor/lwvmm/main.o: CFLAGS += -DLWVMM_VERSION='"$(LWVMM_VERSION)"'
$(BUILD)/monitor/lwvmm/main.o: $(BUILD)/monitor/version.stamp
.PHONY: FORCE

$(BUILD)/monitor/guest_image.o: lwvmm/guest_image.S $(GUEST_ELF)
	@mkdir -p $(dir $@)
	$(CC) -DGUEST_ELF_PATH='"$(GUEST_ELF)"' -c -o $@ $<

# seccomp.c names a forbidden system call from this table of the kernel
# headers' __NR_* numbers: its SIGSYS handler cannot ask libseccomp (malloc).
$(BUILD)/monitor/syscall_names.h: lwvmm/build.mk
	@mkdir -p $(dir $@)
	echo '#include <sys/syscall.h>' | $(CC) -E -dM -x c - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' > $@
# Its own rule: with -Ilwvmm, <seccomp.h> (libseccomp's) would find
# lwvmm/seccomp.h; -iquote keeps lwvmm's headers to "..." includes.
$(BUILD)/monitor/lwvmm/seccomp.o: lwvmm/seccomp.c $(BUILD)/monitor/syscall_names.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -iquote lwvmm -Ilwvmm/include -Ipv-drivers -I$(BUILD)/monitor -c -o $@ $<

# numa_place.c applies what numa-policy/ decides (its build.mk, included
# later: the library's path is spelled out, NUMA_LIBS is read at link time).
$(BUILD)/monitor/lwvmm/numa_place.o $(BUILD)/monitor/lwvmm/numa_run.o \
	$(BUILD)/monitor/lwvmm/numa_track.o $(BUILD)/monitor/lwvmm/numa_run_stats.o \
	$(BUILD)/monitor/lwvmm/numa_repl.o $(BUILD)/monitor/lwvmm/vcpu.o: CFLAGS += -iquote numa-policy

$(BIN)/lwvmm: $(LWVMM_OBJS) $(BUILD)/lib/libnuma-policy.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -luring -lseccomp -lcap-ng -ljansson -lpthread $(NUMA_LIBS)

ALL_TARGETS += $(BIN)/lwvmm
