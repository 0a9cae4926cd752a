/*
 * What the image builder needs to know about a kernel: its release (the
 * name of its modules directory), read from a bzImage's header
 * (Documentation/arch/x86/boot.rst: "HdrS" at 0x202, the kernel_version
 * pointer at 0x20e, counted from 0x200), and whether it unpacks a gzip'ed
 * initramfs (CONFIG_RD_GZIP in its config file).
 */
#ifndef GUESTIMG_KERNEL_INFO_H
#define GUESTIMG_KERNEL_INFO_H

#include <stddef.h>

/* 0 and the release in rel, or -1 with err (unreadable, not a bzImage). */
int kernel_release(const char *bzimage, char *rel, size_t rellen, char *err, size_t errlen);
/*
 * 1 when the kernel's config (/boot/config-REL, or boot/config-REL of the
 * unpacked package that holds moddir) has CONFIG_RD_GZIP=y; 0 when it says
 * otherwise or cannot be found (an uncompressed cpio every kernel takes).
 */
int kernel_takes_gzip(const char *moddir, const char *rel);

#endif
