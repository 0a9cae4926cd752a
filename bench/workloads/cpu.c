/*
 * cpu: a small ray tracer, in the spirit of Disco's Raytrace workload.
 * Spheres over a checkered floor, one light, hard shadows and mirror
 * reflections. Rows are shared among threads; the image checksum does not
 * depend on the thread count or the environment, so the harness can check
 * that a VM computed exactly what the host computed.
 *
 *   cpu [--size PIXELS] [--threads N]
 * Score: millions of rays traced per second.
 */
#include "wl.h"

struct vec { double x, y, z; };

static struct vec v(double x, double y, double z) { struct vec r = { x, y, z }; return r; }
static struct vec add(struct vec a, struct vec b) { return v(a.x + b.x, a.y + b.y, a.z + b.z); }
static struct vec sub(struct vec a, struct vec b) { return v(a.x - b.x, a.y - b.y, a.z - b.z); }
static struct vec mul(struct vec a, double s) { return v(a.x * s, a.y * s, a.z * s); }
static double dot(struct vec a, struct vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static struct vec norm(struct vec a) { return mul(a, 1.0 / __builtin_sqrt(dot(a, a))); }

struct sphere { struct vec c; double r; struct vec color; double mirror; };

static const struct sphere spheres[] = {
	{ { 0.0, 1.0, 5.0 }, 1.0, { 0.9, 0.2, 0.2 }, 0.3 },
	{ { -2.2, 0.7, 6.5 }, 0.7, { 0.2, 0.9, 0.3 }, 0.1 },
	{ { 2.1, 0.8, 6.0 }, 0.8, { 0.2, 0.3, 0.9 }, 0.6 },
	{ { 0.8, 0.35, 3.3 }, 0.35, { 0.9, 0.9, 0.2 }, 0.0 },
	{ { -0.9, 0.3, 3.6 }, 0.3, { 0.9, 0.5, 0.9 }, 0.8 },
};
#define NSPHERES ((int)(sizeof(spheres) / sizeof(spheres[0])))
#define MAX_DEPTH 4

struct hit { double t; struct vec p, n, color; double mirror; };

/* Nearest intersection along origin + t*dir, t > 1e-6; the floor is y = 0. */
static int intersect(struct vec o, struct vec d, struct hit *h)
{
	h->t = 1e30;
	for (int i = 0; i < NSPHERES; i++) {
		struct vec oc = sub(o, spheres[i].c);
		double b = dot(oc, d), c = dot(oc, oc) - spheres[i].r * spheres[i].r;
		double disc = b * b - c;
		if (disc < 0)
			continue;
		double s = __builtin_sqrt(disc), t = -b - s;
		if (t < 1e-6)
			t = -b + s;
		if (t > 1e-6 && t < h->t) {
			h->t = t;
			h->p = add(o, mul(d, t));
			h->n = mul(sub(h->p, spheres[i].c), 1.0 / spheres[i].r);
			h->color = spheres[i].color;
			h->mirror = spheres[i].mirror;
		}
	}
	if (d.y < -1e-9) {
		double t = -o.y / d.y;
		if (t > 1e-6 && t < h->t) {
			h->t = t;
			h->p = add(o, mul(d, t));
			h->n = v(0, 1, 0);
			int check = ((int)(h->p.x + 1000.0) + (int)(h->p.z + 1000.0)) & 1;
			h->color = check ? v(0.8, 0.8, 0.8) : v(0.2, 0.2, 0.2);
			h->mirror = 0.2;
		}
	}
	return h->t < 1e29;
}

static struct vec trace(struct vec o, struct vec d, int depth, uint64_t *rays)
{
	const struct vec light = norm(v(-0.6, 1.0, -0.5));
	struct hit h, shadow;

	(*rays)++;
	if (!intersect(o, d, &h))
		return mul(v(0.5, 0.7, 1.0), 0.4 + 0.6 * (d.y > 0 ? d.y : 0));
	double diffuse = dot(h.n, light);
	if (diffuse < 0)
		diffuse = 0;
	(*rays)++;
	if (diffuse > 0 && intersect(add(h.p, mul(h.n, 1e-4)), light, &shadow))
		diffuse *= 0.2;
	struct vec color = mul(h.color, 0.1 + 0.9 * diffuse);
	if (h.mirror > 0 && depth < MAX_DEPTH) {
		struct vec r = sub(d, mul(h.n, 2 * dot(d, h.n)));
		struct vec refl = trace(add(h.p, mul(h.n, 1e-4)), r, depth + 1, rays);
		color = add(mul(color, 1 - h.mirror), mul(refl, h.mirror));
	}
	return color;
}

static unsigned to_byte(double c)
{
	if (c < 0)
		c = 0;
	if (c > 1)
		c = 1;
	return (unsigned)(c * 255.0 + 0.5);
}

struct job {
	int size;
	int threads;
	uint32_t checksum[64];
	uint64_t rays[64];
};

static void render_rows(int index, void *arg)
{
	struct job *job = arg;
	uint32_t sum = 0;
	uint64_t rays = 0;

	for (int y = index; y < job->size; y += job->threads) {
		for (int x = 0; x < job->size; x++) {
			double px = (2.0 * (x + 0.5) / job->size - 1.0);
			double py = (1.0 - 2.0 * (y + 0.5) / job->size);
			struct vec d = norm(v(px, py * 0.9 + 0.1, 1.5));
			struct vec c = trace(v(0, 1.2, 0), d, 0, &rays);
			uint32_t pixel = to_byte(c.x) + 3 * to_byte(c.y) + 7 * to_byte(c.z);
			sum += pixel * (uint32_t)((y * job->size + x) % 65521 + 1);
		}
	}
	job->checksum[index] = sum;
	job->rays[index] = rays;
}

/* Checksums measured once for common sizes; a mismatch means wrong results. */
static const struct { int size; uint32_t checksum; } known[] = {
	{ 64, 338345392u }, { 128, 1561441137u }, { 256, 3249558588u },
	{ 512, 4059644404u }, { 1024, 1476613594u }, { 2048, 1024264857u },
	{ 3072, 1632490759u }, { 4096, 2677105311u },
};

static int cpu_main(int argc, char **argv)
{
	static const char *const opts[] = { "--size", "--threads", 0 };
	static struct job job;
	struct wl_result r;

	if (wl_check_options(argc, argv, opts, "[--size PIXELS] [--threads N]") < 0)
		return WL_USAGE;
	job.size = (int)wl_option(argc, argv, "--size", 512);
	job.threads = (int)wl_option(argc, argv, "--threads", wl_ncpus());
	if (wl_check_range("cpu", "--size", job.size, 1, 16384) < 0 ||
	    wl_check_range("cpu", "--threads", job.threads, 1, wl_ncpus() < 64 ? wl_ncpus() : 64) < 0)
		return WL_USAGE;
	uint64_t t0 = wl_time_ns();
	wl_run_threads(job.threads, render_rows, &job);
	double secs = (double)(wl_time_ns() - t0) / 1e9;

	uint32_t checksum = 0;
	uint64_t rays = 0;
	for (int i = 0; i < job.threads; i++) {
		checksum += job.checksum[i];
		rays += job.rays[i];
	}
	int verified = 0, ok = 1;
	for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (known[i].size == job.size) {
			verified = 1;
			ok = known[i].checksum == checksum;
		}
	}
	wl_result_begin(&r, "cpu", ok);
	wl_result_num(&r, "score", (double)rays / secs / 1e6);
	wl_result_str(&r, "score_unit", "Mrays/s");
	wl_result_num(&r, "time_s", secs);
	wl_result_num(&r, "rays", (double)rays);
	wl_result_num(&r, "checksum", checksum);
	wl_result_num(&r, "verified", verified);
	wl_result_num(&r, "size", job.size);
	wl_result_num(&r, "threads", job.threads);
	wl_result_end(&r);
	return ok ? 0 : 1;
}

const struct workload wl_cpu = {
	.name = "cpu",
	.usage = "[--size PIXELS] [--threads N]",
	.main = cpu_main,
};
