/*
 * noise: the time an environment takes away from a thread that only wants
 * to compute (OS noise, in the spirit of Sandia's FTQ and sysjitter). The
 * thread reads the clock in a tight loop; any gap between two reads longer
 * than the threshold is time it did not run: a timer tick, an interrupt,
 * and in a VM the exit to the host and the way back in. Compute-bound
 * workloads lose that fraction of their time, whatever they compute.
 *
 *   noise [--ms DURATION_MS] [--threshold-ns NS] [--threads 1]
 * Score: percent of the time the thread ran (higher is better); beside it
 * the interruptions per second, the time lost per second, and the mean and
 * longest interruption.
 * Threshold: by default 1 us, or ten times one clock read if the clock is
 * slower than 100 ns a read (clocksource hpet or acpi_pm: a system call and
 * a device read each time), so the loop's own reads never count as gaps.
 * Check: the clock never went backwards and the loop read it at least once
 * per threshold on average (otherwise the threshold is below the clock's
 * own cost and every read would count as a gap).
 */
#include "wl.h"

struct noise {
	uint64_t reads;
	uint64_t gaps;
	uint64_t lost_ns;
	uint64_t longest_ns;
	uint64_t elapsed_ns;
	int backwards;
};

static void measure(uint64_t duration_ns, uint64_t threshold_ns, struct noise *n)
{
	uint64_t start = wl_time_ns();
	uint64_t prev = start;
	uint64_t now = start;

	while (now - start < duration_ns) {
		now = wl_time_ns();
		n->reads++;
		if (now < prev) {
			n->backwards = 1;
			break;
		}
		uint64_t gap = now - prev;
		if (gap > threshold_ns) {
			n->gaps++;
			n->lost_ns += gap;
			if (gap > n->longest_ns)
				n->longest_ns = gap;
		}
		prev = now;
	}
	n->elapsed_ns = now - start;
}

/* The mean cost of one clock read, over a thousand reads. */
static uint64_t clock_read_ns(void)
{
	enum { READS = 1000 };
	uint64_t start = wl_time_ns();
	uint64_t now = start;

	for (int i = 0; i < READS; i++)
		now = wl_time_ns();
	return now > start ? (now - start) / READS : 0;
}

/* --threshold-ns not given: choose one from the clock's own cost. */
enum { THRESHOLD_AUTO = -1 };

static long default_threshold_ns(void)
{
	uint64_t ten_reads = 10 * clock_read_ns();

	return ten_reads > 1000 ? (long)ten_reads : 1000;
}

static int noise_main(int argc, char **argv)
{
	static const char *const opts[] = { "--ms", "--threshold-ns", "--threads", 0 };
	struct noise n = { 0 };
	struct wl_result r;

	if (wl_check_options(argc, argv, opts, "[--ms DURATION_MS] [--threshold-ns NS] [--threads 1]") < 0)
		return WL_USAGE;
	long ms = wl_option(argc, argv, "--ms", 1000);
	long threshold = wl_option(argc, argv, "--threshold-ns", THRESHOLD_AUTO);
	long threads = wl_option(argc, argv, "--threads", 1);
	if (wl_check_range("noise", "--ms", ms, 1, 3600000) < 0 ||
	    (threshold != THRESHOLD_AUTO &&
	     wl_check_range("noise", "--threshold-ns", threshold, 100, 1000000000) < 0) ||
	    wl_check_range("noise", "--threads", threads, 1, 1) < 0)
		return WL_USAGE;
	if (threshold == THRESHOLD_AUTO)
		threshold = default_threshold_ns();
	measure((uint64_t)ms * 1000000, (uint64_t)threshold, &n);
	double seconds = (double)n.elapsed_ns / 1e9;
	double ns_per_read = (double)n.elapsed_ns / (double)n.reads;
	int ok = !n.backwards && n.elapsed_ns > 0 && n.reads > n.elapsed_ns / (uint64_t)threshold;
	wl_result_begin(&r, "noise", ok);
	wl_result_num(&r, "score", ok ? 100.0 * (1.0 - (double)n.lost_ns / (double)n.elapsed_ns) : 0);
	wl_result_str(&r, "score_unit", "%run");
	wl_result_num(&r, "interrupts_per_s", (double)n.gaps / seconds);
	wl_result_num(&r, "lost_us_per_s", (double)n.lost_ns / 1e3 / seconds);
	wl_result_num(&r, "mean_gap_us", n.gaps ? (double)n.lost_ns / 1e3 / (double)n.gaps : 0);
	wl_result_num(&r, "max_gap_us", (double)n.longest_ns / 1e3);
	wl_result_num(&r, "ns_per_read", ns_per_read);
	wl_result_num(&r, "threshold_ns", (double)threshold);
	wl_result_end(&r);
	if (n.backwards)
		wl_eprintf("noise: the clock went backwards\n");
	else if (!ok)
		wl_eprintf("noise: a clock read takes %d ns on average, more than --threshold-ns %d\n",
			  (int)ns_per_read, (int)threshold);
	return ok ? 0 : 1;
}

const struct workload wl_noise = {
	.name = "noise",
	.usage = "[--ms DURATION_MS] [--threshold-ns NS] [--threads 1]",
	.main = noise_main,
};
