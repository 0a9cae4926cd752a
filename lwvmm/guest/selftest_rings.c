/*
 * Hostile front ends, for the host tests: a guest that abuses its block ring
 * the ways the ring issue lists. The monitor must answer with errors or mark
 * the device broken, and never read or write outside guest RAM, crash or
 * spin. Used by the selftest workload (bench/workloads/selftest.c).
 */
#include "blkfront.h"
#include "evtchn.h"
#include "hypercall.h"
#include "selftest.h"
#include "selftest_rings.h"
#include "wl.h"

#define DISK_DEV 1   /* the first --disk */

static int submit_and_wait(struct blkfront *f, uint64_t offset, uint64_t buffer, uint32_t len)
{
	struct blk_response rsp;

	if (blkfront_submit(f, BLK_OP_READ, 7, offset, (void *)buffer, len) < 0)
		return 1000;
	blkfront_push(f);
	if (blkfront_reap(f, &rsp, 1, 1) != 1)
		return 1001;
	return rsp.status;
}

/*
 * A producer index far ahead of what the ring can hold: notify the back end
 * and wait until it marks the ring broken. Shared with selftest_net.c.
 */
void selftest_overrun(struct ring_front *ring, int port, const char *what)
{
	ring->sring->req_prod = ring->req_prod_pvt + 5 * ring->nr_slots;
	evtchn_notify(port);
	while (!ring->sring->broken)
		evtchn_wait(1ULL << port);
	wl_printf("selftest: the back end marked the %s broken\n", what);
}

/* Returns the exit status: 0 when the monitor reacted as it should. */
int selftest_rings(const char *mode)
{
	struct blkfront f;
	static uint8_t buf[4096] __attribute__((aligned(4096)));

	if (blkfront_open(&f, DISK_DEV, 0) < 0) {
		wl_printf("selftest: needs lwvmm --disk FILE\n");
		return 2;
	}
	uint64_t ring = (uint64_t)f.ring.sring;
	if (wl_strcmp(mode, "ring-badbuf") == 0) {
		int st = submit_and_wait(&f, 0, lw_boot->mem_size - 512, 4096);
		wl_printf("selftest: buffer outside RAM answered %d\n", st);
		return st == LW_EINVAL ? 0 : 1;
	}
	if (wl_strcmp(mode, "ring-overlap") == 0) {
		int st = submit_and_wait(&f, 0, ring, 4096);
		wl_printf("selftest: buffer over the ring answered %d\n", st);
		return st == LW_EINVAL ? 0 : 1;
	}
	if (wl_strcmp(mode, "ring-lowbuf") == 0) {
		/* The monitor's page table for the first 2 MiB, through both interfaces. */
		struct blkfront t;
		int st = submit_and_wait(&f, 0, LW_PAGETABLE_GPA + 0x43000, 4096);
		int st_mmio = blkfront_open(&t, DISK_DEV, 1) < 0 ? 1000 : submit_and_wait(&t, 0, LW_PAGETABLE_GPA + 0x43000, 4096);
		wl_printf("selftest: buffer over the monitor's page tables answered %d (ring), %d (trap-and-emulate)\n",
			  st, st_mmio);
		return st == LW_EINVAL && st_mmio == LW_EINVAL ? 0 : 1;
	}
	if (wl_strcmp(mode, "ring-pastdisk") == 0) {
		int st = submit_and_wait(&f, f.size, (uint64_t)buf, 4096);
		wl_printf("selftest: read past the disk answered %d\n", st);
		return st == LW_EINVAL ? 0 : 1;
	}
	if (wl_strcmp(mode, "ring-overrun") == 0) {
		selftest_overrun(&f.ring, f.port, "ring");
		return 0;
	}
	if (wl_strcmp(mode, "ring-flood") == 0) {
		/* Requests that never stop coming; the run ends only by --timeout. */
		struct blk_response rsp[64];
		for (;;) {
			while (blkfront_submit(&f, BLK_OP_READ, 1, 0, buf, 512) == 0)
				;
			blkfront_push(&f);
			blkfront_reap(&f, rsp, 64, 1);
		}
	}
	if (wl_strcmp(mode, "ring-badattach") == 0) {
		hc_call3(HC_DEVICE_ATTACH, DISK_DEV + 1, lw_boot->mem_size - 4096, 8192);
		return 1;   /* not reached: the monitor ends the run */
	}
	wl_printf("selftest: unknown mode '%s'\n", mode);
	return 2;
}
