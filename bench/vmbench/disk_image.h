/*
 * The backing file of io cells: one per size per run, in the run directory,
 * shared by every environment (fio natively and in containers, the VM's
 * --disk). It is written out in full, never sparse: reading holes would
 * measure memset, not a disk. Each 512-byte sector starts with its own byte
 * offset, the pattern the io workload's --verify checks.
 */
#ifndef VMBENCH_DISK_IMAGE_H
#define VMBENCH_DISK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Creates (or reuses) run_dir/disk-SIZE.img; returns its path (malloc'd) or NULL with `why`. */
char *disk_image_prepare(const char *run_dir, uint64_t bytes, char *why, size_t why_len);

/* 1 when the file system under `path` supports O_DIRECT (tmpfs does not). */
int disk_image_direct_ok(const char *path);

/* Removes the images disk_image_prepare() created. */
void disk_image_cleanup(void);

#endif
