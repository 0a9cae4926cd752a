/*
 * dataset: reads a data set of --mib from the disk (the VM's --disk; natively
 * --file) through the OS's cache (the library OS's buffer cache in the VM,
 * lwvmm/guest/bcache.h; the page cache natively), then runs a fixed query
 * over it --passes times: a hash of every 64-bit word, and with --verify 1 a
 * check that each 512-byte sector starts with its own offset (vmbench's and
 * io --verify's pattern). Every pass must give the first pass's checksum.
 * Score: MB/s scanned over the warm passes, all but the first (the work
 * rate the density suite compares with and without sharing); the first
 * pass, where the data set's pages are first touched (on a shared disk in
 * the VM, one shadow-page fault a page on this PVM host), is first_pass_s,
 * the reading into the cache load_s. It is the workload of Disco's Fig. 6:
 * several instances reading one data set, whose copies sharing folds.
 */
#include "dataset.h"

static const char usage[] =
	"[--mib N] [--passes N] [--threads N] [--verify 0|1] [--block SIZE] [--cache-mib N] [--qd N]\n"
	"       [--disk N] [--scribble 0|1] [--hold SECONDS] (natively: --file PATH [--direct 0|1])";

static int parse(int argc, char **argv, struct dataset_params *p)
{
	*p = (struct dataset_params){ .bytes = 64ULL << 20, .passes = 10, .threads = 1, .verify = 1,
				      .block = 64 << 10, .qd = 8 };
	int i;
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : 0;
		long n = v ? wl_atol(v) : -1;
		if (!v)
			goto bad;
		if (wl_strcmp(k, "--mib") == 0 && n >= 1 && n <= (1L << 20))
			p->bytes = (uint64_t)n << 20;
		else if (wl_strcmp(k, "--passes") == 0 && n >= 1 && n <= 100000)
			p->passes = (int)n;
		else if (wl_strcmp(k, "--threads") == 0 && n >= 1 && n <= 64)
			p->threads = (int)n;
		else if (wl_strcmp(k, "--verify") == 0 && (n == 0 || n == 1))
			p->verify = (int)n;
		else if (wl_strcmp(k, "--block") == 0 && n >= 4096 && n <= (2L << 20) && !(n & (n - 1)))
			p->block = (uint32_t)n;
		else if (wl_strcmp(k, "--cache-mib") == 0 && n >= 1 && n <= (1L << 20))
			p->cache_bytes = (uint64_t)n << 20;
		else if (wl_strcmp(k, "--qd") == 0 && n >= 1 && n <= 32)
			p->qd = (int)n;
		else if (wl_strcmp(k, "--disk") == 0 && n >= 0 && n < 7)
			p->disk = (int)n;
		else if (wl_strcmp(k, "--scribble") == 0 && (n == 0 || n == 1))
			p->scribble = (int)n;
		else if (wl_strcmp(k, "--hold") == 0 && n >= 0 && n <= 3600)
			p->hold_s = (int)n;
		else if (wl_strcmp(k, "--file") == 0)
			p->file = v;
		else if (wl_strcmp(k, "--direct") == 0 && (n == 0 || n == 1))
			;   /* vmbench's for disk cells: the data set is read through the page cache regardless */
		else
			goto bad;
	}
	if (!p->cache_bytes)
		p->cache_bytes = p->bytes;
	if (p->threads > wl_ncpus()) {
		wl_eprintf("dataset: --threads %d, but only %d CPUs\n", p->threads, wl_ncpus());
		return -1;
	}
	return 0;
bad:
	wl_eprintf("dataset: bad argument '%s'\nusage: dataset %s\n", argv[i < argc ? i : argc - 1], usage);
	return -1;
}

/* The query over one block: a hash of its words; bad sectors counted. */
static uint64_t scan(const uint8_t *b, uint32_t len, uint64_t offset, int verify, uint64_t *bad)
{
	const uint64_t *w = (const uint64_t *)b;
	uint64_t h = 0;

	for (uint32_t i = 0; i < len / 8; i++)
		h += (w[i] ^ (offset + 8 * i)) * 0x9e3779b97f4a7c15ULL;
	for (uint32_t s = 0; verify && s < len; s += 512)
		*bad += *(const uint64_t *)(b + s) != offset + s;
	return h;
}

struct pass {
	const struct dataset_params *p;
	const uint8_t **blocks;   /* this pass's block pointers, looked up by thread 0 */
	uint64_t nblocks;
	uint64_t sum[64], bad[64];
};

static void scan_share(int t, void *arg)
{
	struct pass *ps = arg;
	uint64_t from = ps->nblocks * (uint64_t)t / (uint64_t)ps->p->threads;
	uint64_t to = ps->nblocks * (uint64_t)(t + 1) / (uint64_t)ps->p->threads;
	uint64_t sum = 0, bad = 0;

	for (uint64_t k = from; k < to; k++) {
		uint64_t at = k * ps->p->block;
		uint32_t len = ps->p->bytes - at < ps->p->block ? (uint32_t)(ps->p->bytes - at) : ps->p->block;
		sum += scan(ps->blocks[k], len, at, ps->p->verify, &bad);
	}
	ps->sum[t] = sum;
	ps->bad[t] = bad;
}

static int dataset_main(int argc, char **argv)
{
	struct dataset_params p;
	struct dataset_src *src;
	struct wl_result r;
	double load_s = 0;

	if (parse(argc, argv, &p) < 0)
		return WL_USAGE;
	int status = dataset_load(&p, &src, &load_s);
	if (status != WL_OK)
		return status;
	static struct pass ps;
	ps.p = &p;
	ps.nblocks = (p.bytes + p.block - 1) / p.block;
	ps.blocks = wl_alloc(ps.nblocks * sizeof(*ps.blocks));
	if (!ps.blocks) {
		wl_eprintf("dataset: no memory for %llu block pointers\n", (unsigned long long)ps.nblocks);
		dataset_close(src);
		return 3;
	}
	uint64_t first_sum = 0, bad = 0;
	double first_s = 0;
	int mismatched = 0, missing = 0;
	uint64_t t0 = wl_time_ns();
	/*
	 * A cache smaller than the data set evicts as it goes: a pointer is
	 * good only until the next lookup, so each block is scanned at once, on
	 * one thread. Otherwise thread 0 looks the whole pass up, all scan it.
	 */
	int whole = p.cache_bytes >= p.bytes;
	for (int pass = 0; pass < p.passes && !missing; pass++) {
		uint64_t sum = 0;
		if (whole) {
			for (uint64_t k = 0; k < ps.nblocks; k++)
				missing += !(ps.blocks[k] = dataset_block(src, k));
			if (missing)
				break;
			wl_run_threads(p.threads, scan_share, &ps);
			for (int t = 0; t < p.threads; t++) {
				sum += ps.sum[t];
				bad += ps.bad[t];
			}
		}
		for (uint64_t k = 0; !whole && k < ps.nblocks; k++) {
			const uint8_t *b = dataset_block(src, k);
			uint64_t at = k * p.block;
			if (!b) {
				missing++;
				break;
			}
			sum += scan(b, p.bytes - at < p.block ? (uint32_t)(p.bytes - at) : p.block, at, p.verify, &bad);
		}
		if (pass == 0) {
			first_sum = sum;
			first_s = (double)(wl_time_ns() - t0) / 1e9;
			t0 = wl_time_ns();   /* the score counts the warm passes */
		}
		mismatched += sum != first_sum;
	}
	double seconds = (double)(wl_time_ns() - t0) / 1e9;
	int warm = p.passes > 1 ? p.passes - 1 : 1;
	if (p.passes == 1)
		seconds = first_s;
	int scribble_bad = p.scribble ? dataset_scribble(src) : 0;
	int ok = !missing && !mismatched && !bad && !scribble_bad;

	if (missing)
		wl_eprintf("dataset: %d blocks could not be read\n", missing);
	if (mismatched)
		wl_eprintf("dataset: %d passes gave another checksum than the first\n", mismatched);
	if (bad)
		wl_eprintf("dataset: %llu sectors do not start with their own offset\n", (unsigned long long)bad);
	wl_result_begin(&r, "dataset", ok);
	wl_result_num(&r, "score", seconds > 0 ? (double)p.bytes * warm / seconds / 1e6 : 0);
	wl_result_str(&r, "score_unit", "MB/s");
	wl_result_num(&r, "mib", (double)(p.bytes >> 20));
	wl_result_num(&r, "passes", p.passes);
	wl_result_num(&r, "threads", p.threads);
	wl_result_num(&r, "load_s", load_s);
	wl_result_num(&r, "first_pass_s", first_s);
	wl_result_num(&r, "time_s", seconds);
	wl_result_num(&r, "checksum", (double)(first_sum >> 12));   /* exact in a double */
	wl_result_num(&r, "bad_sectors", (double)bad);
	dataset_report(src, &r);
	wl_result_end(&r);
	/* --hold: the data set stays cached a while longer, for a memory measurement from outside. */
	for (uint64_t end = wl_time_ns() + (uint64_t)p.hold_s * 1000000000ULL; wl_time_ns() < end;)
		;
	dataset_close(src);
	return ok ? WL_OK : WL_CHECK_FAILED;
}

const struct workload wl_dataset = {
	.name = "dataset",
	.usage = "[--mib N] [--passes N] [--verify 0|1] [--block SIZE] [--cache-mib N] [--qd N] "
		 "[--scribble 0|1] [--hold S] (natively: --file PATH)",
	.main = dataset_main,
};
