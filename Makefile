# Top-level build: every folder adds its targets through a small build.mk
# fragment, so that one `make` builds everything into build/ and parts of the
# project can grow without touching each other's rules.
#
#   make            build everything (build/bin/lwvmm, build/bin/vmbench, ...)
#   make deps       install the Debian packages the project needs
#   make test       run every test tier this host supports (unit, host, fuzz)
#   make fuzz       run each fuzz target for FUZZ_SECONDS (tests/fuzz/README.md)
#   make test-lab   run the lab tier (QEMU TCG with SVM and NUMA nodes)
#   make soak       kill runs at random moments, then check that nothing is left
#   make bench      run the quick suite and print where the report is
#   make install    copy the binaries, suites, reference figures, docs and
#                   --help texts under PREFIX (/usr/local; DESTDIR for packaging)

CC      ?= gcc
BUILD   := build
BIN     := $(BUILD)/bin
CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP
LDFLAGS :=
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer

# Debian packages, one list for `make deps` and for the error message when
# something is missing.
DEB_PACKAGES := gcc make pkg-config libcmocka-dev libjansson-dev libhwloc-dev \
	libnuma-dev liburing-dev libyaml-dev hwloc-nox numactl gnuplot-nox fio \
	iperf3 stress-ng runc busybox-static qemu-system-x86 jq perl clang-14 libclang-rt-14-dev \
	iproute2 util-linux procps criu iptables curl xz-utils libseccomp-dev libcap-ng-dev

ALL_TARGETS :=
UNIT_TESTS  :=
TEST_DEPS   :=
HOST_TESTS  :=

.PHONY: all deps test test-unit test-host test-lab soak bench clean install
all: build-all

include bench/common/version.mk
include bench/workloads/build.mk
-include lwvmm/guest/net/build.mk
include lwvmm/guest/build.mk
include lwvmm/build.mk
-include bench/vmbench/build.mk
-include numa-policy/build.mk
include tests/build.mk
-include tests/lab/build.mk
-include baselines/containers/build.mk
-include bench/guestimg/build.mk

build-all: $(ALL_TARGETS)

deps:
	@scripts/install-deps $(DEB_PACKAGES)

# prove (Perl's Test::Harness) runs every TAP-speaking test program of every
# tier and ends with its standard "Result: PASS/FAIL" summary.
export CMOCKA_MESSAGE_OUTPUT := TAP

test: build-all $(UNIT_TESTS) $(TEST_DEPS)
	prove --exec '' $(UNIT_TESTS) $(HOST_TESTS)

test-unit: $(UNIT_TESTS)
	prove --exec '' $(UNIT_TESTS)

test-host: build-all
	prove --exec '' $(HOST_TESTS)

# The kill soak (tests/soak/README.md): SOAK_N (60) runs ended by a random
# signal at a random moment, from SOAK_SEED; `make soak SOAK_N=1000` by hand.
soak: build-all
	prove --exec '' tests/soak/soak.t

# vmbench run prints the run directory (results/<run-id>) on stdout and its
# progress on stderr; vmbench report prints the report's path.
bench: deps
	@$(MAKE) --no-print-directory build-all
	@dir=$$($(BIN)/vmbench run --suite quick) && $(BIN)/vmbench report "$$dir"

# An installed vmbench finds its programs beside itself (PREFIX/bin) and its
# suites and reference figures in PREFIX/share/vmbench (bench/common/paths.c).
PREFIX ?= /usr/local
INSTALL_BINS := lwvmm vmbench workload ctrun ctstamp netpeer vmbench-tool fanout
install: build-all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vmbench/suites \
		$(DESTDIR)$(PREFIX)/share/doc/vmbench
	install -m 755 $(addprefix $(BIN)/,$(INSTALL_BINS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 bench/suites/*.json $(DESTDIR)$(PREFIX)/share/vmbench/suites/
	install -m 644 reports/references.json $(DESTDIR)$(PREFIX)/share/vmbench/
	install -m 644 README.md docs/host-notes.md docs/adding-a-workload.md $(DESTDIR)$(PREFIX)/share/doc/vmbench/
	@for b in $(INSTALL_BINS); do \
		$(BIN)/$$b --help > $(DESTDIR)$(PREFIX)/share/doc/vmbench/$$b.txt || exit 1; \
	done
	@echo "installed under $(DESTDIR)$(PREFIX)"

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
