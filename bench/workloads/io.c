/*
 * io: block I/O on the VM's disk, fio-style: sequential or random reads or
 * writes of --bs bytes with --qd requests in flight, until --mib have moved.
 * Reports bandwidth, IOPS and completion-latency percentiles (submission to
 * completion, as fio's clat), and what the rings cost: doorbell writes per
 * request, sleeps in the monitor, trap-and-emulate exits.
 *
 * Inside lwvmm it drives the disk given with --disk, through the shared ring
 * (--mode ring) or the trap-and-emulate registers (--mode mmio): io_vm.c,
 * linked into the guest. Natively it runs real fio on --file with the same
 * parameters: io_native.c, linked into build/bin/workload. The build picks.
 *
 * --verify 1: writes put each sector's own byte offset in its first 8 bytes;
 * reads check it. Without it, the check is that every request succeeded.
 */
#include "io.h"

static int io_main(int argc, char **argv)
{
	struct io_params p;
	struct io_figures f = { 0 };
	int status;

	if (io_parse(argc, argv, &p) < 0)
		return WL_USAGE;
	status = io_run(&p, &f);
	if (status >= 2)
		return status;
	io_report(&p, &f, status == 0);
	/* --hold: the VM keeps what it read a while longer, for a memory measurement from outside. */
	for (uint64_t end = wl_time_ns() + (uint64_t)p.hold_s * 1000000000ULL; wl_time_ns() < end;)
		;
	return status;
}

const struct workload wl_io = {
	.name = "io",
	.usage = "[--rw read|write|randread|randwrite] [--bs SIZE] [--qd N] [--mib TOTAL] "
		 "[--mode ring|mmio] [--verify 0|1] [--fsync N] (natively: --file PATH [--direct 0|1], runs fio)",
	.main = io_main,
};
