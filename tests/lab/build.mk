# The lab tier (tests/lab/README.md): small helper programs that run inside
# the lab, and `make test-lab`, which boots the lab and runs its tests.
LAB_BUILD := $(BUILD)/lab
LAB_PROGRAMS := $(LAB_BUILD)/numa_probe $(LAB_BUILD)/ksm_probe $(LAB_BUILD)/lab_exit

$(LAB_BUILD)/numa_probe: tests/lab/numa_probe.c | $(LAB_BUILD)
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs hwloc) -lnuma

$(LAB_BUILD)/ksm_probe: tests/lab/ksm_probe.c | $(LAB_BUILD)
	$(CC) $(CFLAGS) -o $@ $<

$(LAB_BUILD)/lab_exit: tests/lab/lab_exit.c | $(LAB_BUILD)
	$(CC) $(CFLAGS) -o $@ $<

$(LAB_BUILD):
	mkdir -p $@

test-lab: build-all $(LAB_PROGRAMS)
	tests/lab/test-tier
