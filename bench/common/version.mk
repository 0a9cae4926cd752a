# The version every binary's --version prints: the git revision it was built
# from (as `lwvmm info` prints it). A folder's build.mk adds VERSION_CFLAGS to
# the one object that prints it and makes it depend on VERSION_STAMP, which
# changes (so that object is rebuilt) only when the revision does.
BUILD_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
VERSION_STAMP := $(BUILD)/version.stamp
VERSION_CFLAGS := -DBUILD_VERSION='"$(BUILD_VERSION)"'

$(VERSION_STAMP): FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = "$(BUILD_VERSION)" ] || echo "$(BUILD_VERSION)" > $@
.PHONY: FORCE
