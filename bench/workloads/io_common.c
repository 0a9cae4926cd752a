/* Parsing and reporting for the io workload, and its latency histogram. */
#include "io.h"

static const char usage[] =
	"[--rw read|write|randread|randwrite] [--bs SIZE] [--qd N] [--mib TOTAL] [--disk N]\n"
	"       [--mode ring|mmio] [--verify 0|1] [--fsync N] [--file PATH] [--direct 0|1]\n"
	"       [--keep 0|1] [--scribble 0|1] [--rewrite 0|1] [--hold SECONDS]";

int io_parse(int argc, char **argv, struct io_params *p)
{
	p->rw = "randread";
	p->bs = 4096;
	p->qd = 32;
	p->total = 256ULL << 20;
	p->disk = 0;
	p->trap_and_emulate = 0;
	p->verify = 0;
	p->file = 0;
	p->direct = 1;
	p->fsync = 0;
	p->keep = 0;
	p->scribble = 0;
	p->hold_s = 0;
	p->rewrite = 0;
	int i;
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : 0;
		long n = v ? wl_atol(v) : -1;
		if (!v)
			goto bad;
		if (wl_strcmp(k, "--rw") == 0)
			p->rw = v;
		else if (wl_strcmp(k, "--bs") == 0 && n >= 512 && n <= (4 << 20) && n % 512 == 0)
			p->bs = (uint32_t)n;
		else if (wl_strcmp(k, "--qd") == 0 && n >= 1 && n <= 64)
			p->qd = (int)n;
		else if (wl_strcmp(k, "--mib") == 0 && n >= 1 && n <= (1L << 30))
			p->total = (uint64_t)n << 20;
		else if (wl_strcmp(k, "--disk") == 0 && n >= 0 && n < 7)
			p->disk = (int)n;
		else if (wl_strcmp(k, "--mode") == 0 && (wl_strcmp(v, "ring") == 0 || wl_strcmp(v, "mmio") == 0))
			p->trap_and_emulate = wl_strcmp(v, "mmio") == 0;
		else if (wl_strcmp(k, "--verify") == 0 && (n == 0 || n == 1))
			p->verify = (int)n;
		else if (wl_strcmp(k, "--file") == 0)
			p->file = v;
		else if (wl_strcmp(k, "--direct") == 0 && (n == 0 || n == 1))
			p->direct = (int)n;
		else if (wl_strcmp(k, "--fsync") == 0 && n >= 0 && n <= 1000000)
			p->fsync = (int)n;
		else if (wl_strcmp(k, "--keep") == 0 && (n == 0 || n == 1))
			p->keep = (int)n;
		else if (wl_strcmp(k, "--scribble") == 0 && (n == 0 || n == 1))
			p->scribble = (int)n;
		else if (wl_strcmp(k, "--rewrite") == 0 && (n == 0 || n == 1))
			p->rewrite = (int)n;
		else if (wl_strcmp(k, "--hold") == 0 && n >= 0 && n <= 3600)
			p->hold_s = (int)n;
		else if (wl_strcmp(k, "--threads") == 0 && n == 1)
			;   /* one submitting thread, as fio's numjobs=1 */
		else
			goto bad;
	}
	p->write = wl_strcmp(p->rw, "write") == 0 || wl_strcmp(p->rw, "randwrite") == 0;
	p->random = wl_strcmp(p->rw, "randread") == 0 || wl_strcmp(p->rw, "randwrite") == 0;
	if (!p->write && !p->random && wl_strcmp(p->rw, "read") != 0) {
		wl_eprintf("io: --rw '%s': read, write, randread or randwrite\n", p->rw);
		return -1;
	}
	if ((p->keep && (p->write || p->file)) || ((p->scribble || p->rewrite) && !p->keep) ||
	    (p->rewrite && (p->random || !p->verify || p->scribble))) {
		wl_eprintf("io: --keep 1 is for reads in the VM; --scribble 1 and --rewrite 1 need it, "
			   "--rewrite 1 sequential reads with --verify 1 and no --scribble\n");
		return -1;
	}
	return 0;
bad:
	wl_eprintf("io: bad argument '%s'\nusage: io %s\n", argv[i < argc ? i : argc - 1], usage);
	return -1;
}

void io_report(const struct io_params *p, const struct io_figures *f, int ok)
{
	struct wl_result r;
	double mib_s = f->seconds > 0 ? (double)f->bytes / f->seconds / (1 << 20) : 0;

	wl_result_begin(&r, "io", ok);
	wl_result_num(&r, "score", mib_s);
	wl_result_str(&r, "score_unit", "MiB/s");
	wl_result_num(&r, "bw_kibs", mib_s * 1024);
	wl_result_num(&r, "iops", f->seconds > 0 ? (double)f->requests / f->seconds : 0);
	wl_result_num(&r, "clat_mean_ns", f->clat_mean_ns);
	wl_result_num(&r, "clat_p50_ns", f->clat_p50_ns);
	wl_result_num(&r, "clat_p99_ns", f->clat_p99_ns);
	wl_result_num(&r, "clat_p999_ns", f->clat_p999_ns);
	wl_result_num(&r, "requests", (double)f->requests);
	wl_result_num(&r, "errors", (double)f->errors);
	wl_result_num(&r, "flushes", (double)f->flushes);
	wl_result_num(&r, "time_s", f->seconds);
	if (f->time_res_s > 0)
		wl_result_num(&r, "time_res_s", f->time_res_s);
	wl_result_num(&r, "bs", p->bs);
	wl_result_num(&r, "qd", p->qd);
	wl_result_num(&r, "write", p->write);
	wl_result_num(&r, "random", p->random);
	if (f->have_ring_stats) {
		double mib = (double)f->bytes / (1 << 20);
		wl_result_num(&r, "kicks", (double)f->kicks);
		wl_result_num(&r, "kicks_per_request", f->requests ? (double)f->kicks / (double)f->requests : 0);
		wl_result_num(&r, "sleeps", (double)f->sleeps);
		/* Requests per notification, each way, and notifications per second. */
		wl_result_num(&r, "requests_per_kick", f->kicks ? (double)f->requests / (double)f->kicks : 0);
		wl_result_num(&r, "requests_per_event", f->events ? (double)f->requests / (double)f->events : 0);
		wl_result_num(&r, "notifications_per_s",
			      f->seconds > 0 ? (double)(f->kicks + f->events) / f->seconds : 0);
		wl_result_num(&r, "mmio_exits", (double)f->mmio_exits);
		wl_result_num(&r, "exits_per_mib", mib > 0 ? (double)(f->mmio_exits + 2 * f->sleeps) / mib : 0);
		wl_result_num(&r, "trap_and_emulate", p->trap_and_emulate);
	}
	wl_result_end(&r);
}

static int bucket_of(uint64_t ns)
{
	if (ns < 64)
		return (int)ns;
	int msb = 63 - __builtin_clzll(ns);
	int b = (msb - 5) * 64 + (int)((ns >> (msb - 6)) & 63);
	return b < LAT_BUCKETS ? b : LAT_BUCKETS - 1;
}

/* The middle of bucket b. */
static double value_of(int b)
{
	if (b < 64)
		return b;
	int msb = b / 64 + 5;
	double width = (double)(1ULL << (msb - 6));
	return (double)(1ULL << msb) + (b % 64) * width + width / 2;
}

void lat_add(struct lat_hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->n++;
	h->sum += (double)ns;
}

double lat_percentile(const struct lat_hist *h, double pct)
{
	uint64_t want = (uint64_t)((double)h->n * pct / 100.0 + 0.5), seen = 0;

	if (want == 0)
		want = 1;
	for (int b = 0; b < LAT_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= want)
			return value_of(b);
	}
	return 0;
}

/* Exact, from the running sum, unlike the percentiles' bucket middles. */
double lat_mean(const struct lat_hist *h)
{
	return h->n ? h->sum / (double)h->n : 0;
}
