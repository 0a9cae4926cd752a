/*
 * hypercall (VM only): what the monitor's services cost on this host.
 *   null_ns      one null hypercall (doorbell write that exits to the monitor)
 *   batch_ns     per call, in batches of 32 null calls (one exit per batch)
 *   doorbell_ns  one write to the no-reply doorbell (KVM_IOEVENTFD, no exit)
 *
 *   hypercall [--iters N]
 * Score: null hypercalls per second.
 */
#include "wl.h"

#define BATCH 32

static double ns_per(uint64_t t0, uint64_t t1, long n)
{
	return (double)(t1 - t0) / (double)n;
}

static int hypercall_main(int argc, char **argv)
{
	static const char *const opts[] = { "--iters", "--threads", 0 };
	struct wl_result r;
	int ok = 1;

	if (wl_check_options(argc, argv, opts, "[--iters N]") < 0)
		return WL_USAGE;
	long iters = wl_option(argc, argv, "--iters", 20000);
	if (wl_check_range("hypercall", "--iters", iters, 1, 100000000) < 0)
		return WL_USAGE;
	uint64_t t0 = wl_time_ns();
	for (long i = 0; i < iters; i++)
		ok &= wl_hypercall_null() == 0;
	uint64_t t1 = wl_time_ns();
	long batches = iters / BATCH > 0 ? iters / BATCH : 1;
	for (long i = 0; i < batches; i++)
		ok &= wl_hypercall_null_batch(BATCH) == 0;
	uint64_t t2 = wl_time_ns();
	for (long i = 0; i < iters; i++)
		wl_doorbell_notify();
	uint64_t t3 = wl_time_ns();

	double null_ns = ns_per(t0, t1, iters);
	wl_result_begin(&r, "hypercall", ok);
	wl_result_num(&r, "score", 1e9 / null_ns);
	wl_result_str(&r, "score_unit", "calls/s");
	wl_result_num(&r, "null_ns", null_ns);
	wl_result_num(&r, "batch_ns", ns_per(t1, t2, batches * BATCH));
	wl_result_num(&r, "doorbell_ns", ns_per(t2, t3, iters));
	wl_result_num(&r, "iters", (double)iters);
	wl_result_end(&r);
	return ok ? 0 : 1;
}

const struct workload wl_hypercall = {
	.name = "hypercall",
	.usage = "[--iters N]",
	.main = hypercall_main,
};
