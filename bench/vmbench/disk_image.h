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

/*
 * Creates (or reuses) run_dir/disk-SIZE.img; returns its path (malloc'd) or
 * NULL with `why`. *direct is 1 when its file system supports O_DIRECT
 * (tmpfs does not): asked once per image, and its absence told on stderr
 * once.
 */
char *disk_image_prepare(const char *run_dir, uint64_t bytes, int *direct, char *why,
			 size_t why_len);

/* Removes the images disk_image_prepare() created, and the claim. */
void disk_image_cleanup(void);

/*
 * A run's claim on its directory: run_dir/.vmbench-owner, holding the pid
 * and an flock() for as long as this vmbench lives (the kernel drops it
 * when vmbench dies, however). 0, or -1 with why.
 */
int disk_image_claim(const char *run_dir, char *why, size_t why_len);

/*
 * A run directory whose claim nobody holds any more (its vmbench was
 * SIGKILLed): its disk-*.img and the claim go. sweep_dir does that for dir;
 * sweep_children for every directory in parent. The number of images removed.
 */
int disk_image_sweep_dir(const char *dir);
int disk_image_sweep_children(const char *parent);

#endif
