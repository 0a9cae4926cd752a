# The lab tier (tests/lab/README.md): small helper programs that run inside
# the lab, and `make test-lab`, which boots the lab and runs its tests.
LAB_BUILD := $(BUILD)/lab
LAB_PROGRAMS := $(LAB_BUILD)/numa_probe $(LAB_BUILD)/ksm_probe $(LAB_BUILD)/lab_exit \
	$(LAB_BUILD)/linux-initrd.cpio

$(LAB_BUILD)/numa_probe: tests/lab/numa_probe.c | $(LAB_BUILD)
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs hwloc) -lnuma

$(LAB_BUILD)/ksm_probe: tests/lab/ksm_probe.c | $(LAB_BUILD)
	$(CC) $(CFLAGS) -o $@ $<

$(LAB_BUILD)/lab_exit: tests/lab/lab_exit.c | $(LAB_BUILD)
	$(CC) $(CFLAGS) -o $@ $<

# The Linux guest's initramfs (tests/lab/t/linux.t): one static /init.
$(LAB_BUILD)/linux-init: tests/lab/linux_init.c lwvmm/include/lwvmm_abi.h | $(LAB_BUILD)
	$(CC) $(CFLAGS) -static -Ilwvmm/include -o $@ $<

$(LAB_BUILD)/linux-initrd.cpio: $(LAB_BUILD)/linux-init
	rm -rf $@.d && mkdir -p $@.d && cp $< $@.d/init
	(cd $@.d && echo init | busybox cpio -o -H newc 2>/dev/null) >$@.tmp && mv $@.tmp $@
	rm -rf $@.d

$(LAB_BUILD):
	mkdir -p $@

test-lab: build-all $(LAB_PROGRAMS)
	tests/lab/test-tier
