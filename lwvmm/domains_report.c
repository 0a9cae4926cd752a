/*
 * --stats and --stats-json at the end of a run (domains.c). One domain: the
 * summary as it always was, with its memory (memmap.c). Several: each
 * domain's summary, devices, KVM counters and memory under its name, then the
 * totals (vCPUs, RAM, the run's status, the process's peak RSS, the last
 * domain's start-up); the seccomp filters, which are per thread kind, once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "domains.h"
#include "kvm_stats.h"
#include "memmap.h"
#include "numa_place.h"
#include "numa_run.h"
#include "seccomp.h"

struct domain_figures {
	struct run_summary s;
	struct kvm_counters kvm;
	struct memmap_domain mem;
};

/* What stats_write_json() hands back to json_extra() (one domain). */
struct report_extra {
	struct vm *vm;
	struct domain_figures *fig;
	const struct memmap *mm;
};

static double ms_since_spawn(uint64_t t_ns)
{
	const char *spawn = getenv("LWVMM_SPAWN_NS");

	return spawn && t_ns ? ((double)t_ns - strtod(spawn, NULL)) / 1e6 : -1;
}

static void summarise(struct vm *vm, struct domain_figures *fig, int one_of_several, uint64_t peak_rss_kib)
{
	const struct vm_config *c = vm->config;
	struct run_summary *s = &fig->s;

	*s = (struct run_summary){
		.flavour = flavour_name(vm->flavour),
		.vcpus = vm->ncpus,
		.mem_bytes = c->mem_size,
		.exit_status = vm->exit_status,
		.wall_s = (vm->t_end_ns - vm->t_main_ns) / 1e9,
		.startup_ms = vm->t_first_entry_ns ? (vm->t_first_entry_ns - vm->t_main_ns) / 1e6 : -1,
		.spawn_to_guest_ms = ms_since_spawn(vm->t_first_entry_ns),
		.peak_rss_kib = peak_rss_kib,
		.one_of_several = one_of_several,
	};
	/* A memfd counts its pages; anonymous RAM's are its mapping's Rss. */
	s->guest_touched_kib = c->mem_backing == GUEST_RAM_ANON ? fig->mem.rss_kib
								: guest_memory_touched_kib(&vm->mem);
	for (int i = 0; i < vm->ncpus; i++) {
		stats_add(&s->total, &vm->vcpus[i].stats);
		kvm_counters_add_vcpu(&fig->kvm, vm->vcpus[i].fd);
	}
}

static const char *backing(const struct vm *vm)
{
	return guest_ram_backing_name(vm->config->mem_backing);
}

static void json_extra(FILE *f, void *ctx)
{
	const struct report_extra *x = ctx;

	devices_json_stats(f, x->vm);
	fputc(',', f);
	kvm_counters_json(f, &x->fig->kvm);
	fputc(',', f);
	seccomp_json_stats(f);
	fputc(',', f);
	numa_place_json_stats(f, &x->vm->mem);
	fputc(',', f);
	numa_run_json_stats(f);
	fputc(',', f);
	memmap_json(f, x->mm, &x->fig->mem, backing(x->vm));
}

static void report_one(struct domains *d, struct domain_figures *fig, const struct memmap *mm, int *status)
{
	const struct vm_config *c = d->vm[0].config;
	struct report_extra extra = { .vm = &d->vm[0], .fig = fig, .mm = mm };

	fig->s.exit_status = *status;
	if (c->print_stats) {
		stats_print_text(stderr, &fig->s);
		devices_print_stats(stderr, &d->vm[0]);
		kvm_counters_print(stderr, &fig->kvm);
		seccomp_print_stats(stderr);
		numa_place_print_stats(stderr, &d->vm[0].mem);
		numa_run_print_stats(stderr);
		memmap_print(stderr, mm, &fig->mem, backing(&d->vm[0]));
	}
	if (c->stats_json_path && stats_write_json(c->stats_json_path, &fig->s, json_extra, &extra) < 0) {
		fprintf(stderr, "lwvmm: cannot write --stats-json %s: %s\n", c->stats_json_path, strerror(errno));
		if (*status == 0)   /* a run whose statistics are lost did not succeed */
			*status = LWVMM_EXIT_RESOURCES;
	}
}

struct totals {
	int vcpus;
	uint64_t mem_bytes, touched_kib, ksm_pages, cross_domain;
	double last_startup_ms, last_spawn_ms;
};

static struct totals add_up(const struct domains *d, const struct domain_figures *fig)
{
	struct totals t = { .last_startup_ms = -1, .last_spawn_ms = -1 };

	for (int i = 0; i < d->n; i++) {
		t.vcpus += fig[i].s.vcpus;
		t.mem_bytes += fig[i].s.mem_bytes;
		t.touched_kib += fig[i].s.guest_touched_kib;
		t.ksm_pages += fig[i].mem.ksm_pages;
		t.cross_domain += fig[i].mem.cross_domain;
		if (fig[i].s.startup_ms > t.last_startup_ms)
			t.last_startup_ms = fig[i].s.startup_ms;
		if (fig[i].s.spawn_to_guest_ms > t.last_spawn_ms)
			t.last_spawn_ms = fig[i].s.spawn_to_guest_ms;
	}
	return t;
}

static void print_several(struct domains *d, struct domain_figures *fig, const struct memmap *mm,
			  const struct totals *t, int status, uint64_t peak_rss_kib)
{
	for (int i = 0; i < d->n; i++) {
		fprintf(stderr, "domain %s:\n", d->vm[i].config->name);
		stats_print_text(stderr, &fig[i].s);
		devices_print_stats(stderr, &d->vm[i]);
		kvm_counters_print(stderr, &fig[i].kvm);
		memmap_print(stderr, mm, &fig[i].mem, backing(&d->vm[i]));
	}
	fprintf(stderr, "lwvmm stats: %d domains, %d vCPUs, %llu MiB RAM, exit status %d\n", d->n, t->vcpus,
		(unsigned long long)(t->mem_bytes >> 20), status);
	fprintf(stderr, "  startup of the last domain %.3f ms (main to its first guest instruction)",
		t->last_startup_ms);
	if (t->last_spawn_ms >= 0)
		fprintf(stderr, ", %.3f ms from spawn", t->last_spawn_ms);
	fprintf(stderr, "\n  memory: peak RSS %.1f MiB, guest RAM touched %.1f MiB; KSM merged %llu pages; "
		"%llu guest pages share a host frame with another domain's", peak_rss_kib / 1024.0,
		t->touched_kib / 1024.0, (unsigned long long)t->ksm_pages, (unsigned long long)t->cross_domain);
	if (mm->pfns)
		fprintf(stderr, "; %llu host frames used by several guest pages\n",
			(unsigned long long)mm->sharing.frames);
	else
		fprintf(stderr, "; memmap unavailable: %s\n", mm->why);
	seccomp_print_stats(stderr);
}

static int write_several(const char *path, struct domains *d, struct domain_figures *fig,
			 const struct memmap *mm, const struct totals *t, int status, uint64_t peak_rss_kib)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "{\"domains\":[");
	for (int i = 0; i < d->n; i++) {
		fprintf(f, "%s{\"name\":\"%s\",", i ? "," : "", d->vm[i].config->name);
		stats_json_members(f, &fig[i].s);
		fputc(',', f);
		devices_json_stats(f, &d->vm[i]);
		fputc(',', f);
		kvm_counters_json(f, &fig[i].kvm);
		fputc(',', f);
		memmap_json(f, mm, &fig[i].mem, backing(&d->vm[i]));
		fputc('}', f);
	}
	fprintf(f, "],\"totals\":{\"domains\":%d,\"vcpus\":%d,\"mem_bytes\":%llu,\"exit_status\":%d,"
		"\"last_startup_ms\":%.6f,", d->n, t->vcpus, (unsigned long long)t->mem_bytes, status,
		t->last_startup_ms);
	if (t->last_spawn_ms >= 0)
		fprintf(f, "\"last_spawn_to_guest_ms\":%.6f,", t->last_spawn_ms);
	fprintf(f, "\"peak_rss_kib\":%llu,\"guest_touched_kib\":%llu,\"ksm_merged_pages\":%llu,"
		"\"cross_domain_pages\":%llu,", (unsigned long long)peak_rss_kib,
		(unsigned long long)t->touched_kib, (unsigned long long)t->ksm_pages,
		(unsigned long long)t->cross_domain);
	uint64_t guest_pss = 0;
	for (int i = 0; i < d->n; i++)
		guest_pss += fig[i].mem.pss_kib;
	/* The footprint the density suite compares: every domain's RAM Pss, and the whole process's. */
	if (fig[0].mem.have_smaps)
		fprintf(f, "\"guest_pss_kib\":%llu,\"process_pss_kib\":%llu,", (unsigned long long)guest_pss,
			(unsigned long long)fig[0].mem.process_pss_kib);
	memmap_json_sharing(f, mm);
	fprintf(f, "},\"exit_status\":%d,", status);
	seccomp_json_stats(f);
	fprintf(f, "}\n");
	return stats_close_json(f);
}

void domains_report(struct domains *d, struct memmap *mm, int *status)
{
	const struct vm_config *c = d->vm[0].config;
	struct domain_figures *fig;
	struct guest_memory **mems;
	struct memmap_domain *mem;
	struct rusage ru;

	if (!c->print_stats && !c->stats_json_path)
		return;
	fig = calloc((size_t)d->n, sizeof(*fig));
	mems = calloc((size_t)d->n, sizeof(*mems));
	mem = calloc((size_t)d->n, sizeof(*mem));
	if (!fig || !mems || !mem) {
		fprintf(stderr, "lwvmm: no memory left for the statistics\n");
		if (*status == 0)
			*status = LWVMM_EXIT_RESOURCES;
		goto out;
	}
	getrusage(RUSAGE_SELF, &ru);
	for (int i = 0; i < d->n; i++)
		mems[i] = &d->vm[i].mem;
	memmap_scan(mm, mems, d->n, mem);
	for (int i = 0; i < d->n; i++) {
		fig[i].mem = mem[i];
		summarise(&d->vm[i], &fig[i], d->n > 1, (uint64_t)ru.ru_maxrss);
	}
	if (d->n == 1) {
		report_one(d, &fig[0], mm, status);
		goto out;
	}
	struct totals t = add_up(d, fig);
	if (c->print_stats)
		print_several(d, fig, mm, &t, *status, (uint64_t)ru.ru_maxrss);
	if (c->stats_json_path &&
	    write_several(c->stats_json_path, d, fig, mm, &t, *status, (uint64_t)ru.ru_maxrss) < 0) {
		fprintf(stderr, "lwvmm: cannot write --stats-json %s: %s\n", c->stats_json_path, strerror(errno));
		if (*status == 0)
			*status = LWVMM_EXIT_RESOURCES;
	}
out:
	free(fig);
	free(mems);
	free(mem);
}
