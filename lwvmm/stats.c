#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>

#include "stats.h"

/* Names of KVM_EXIT_* values (linux/kvm.h); newer ones are numbered by hand. */
static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "HYPERV",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[KVM_EXIT_XEN] = "XEN",
	[KVM_EXIT_NOTIFY] = "NOTIFY",
	[39] = "MEMORY_FAULT",
};

const char *exit_reason_name(unsigned reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) && exit_names[reason])
		return exit_names[reason];
	return "OTHER";
}

void stats_add(struct vcpu_stats *total, const struct vcpu_stats *one)
{
	for (int i = 0; i < STATS_MAX_REASON; i++) {
		total->exits[i] += one->exits[i];
		total->exit_ns[i] += one->exit_ns[i];
	}
	for (int i = 0; i < HC_COUNT; i++)
		total->hypercalls[i] += one->hypercalls[i];
	total->guest_ns += one->guest_ns;
	total->parked_ns += one->parked_ns;
	total->hypercall_exits += one->hypercall_exits;
	total->pages_released += one->pages_released;
}

static uint64_t monitor_ns(const struct vcpu_stats *s)
{
	uint64_t sum = 0;
	for (int i = 0; i < STATS_MAX_REASON; i++)
		sum += s->exit_ns[i];
	return sum;
}

static double kib_to_mib(uint64_t kib)
{
	return (double)kib / 1024.0;
}

static uint64_t monitor_rss_kib(const struct run_summary *s)
{
	return s->peak_rss_kib > s->guest_touched_kib ? s->peak_rss_kib - s->guest_touched_kib : 0;
}

void stats_print_text(FILE *out, const struct run_summary *s)
{
	const struct vcpu_stats *t = &s->total;

	fprintf(out, "lwvmm stats: %s, %d vCPU%s, %llu MiB RAM, exit status %d\n",
		s->flavour, s->vcpus, s->vcpus == 1 ? "" : "s",
		(unsigned long long)(s->mem_bytes >> 20), s->exit_status);
	fprintf(out, "  wall %.6f s; summed over vCPUs: in guest %.6f s, in monitor %.6f s, parked %.6f s\n",
		s->wall_s, t->guest_ns / 1e9, monitor_ns(t) / 1e9, t->parked_ns / 1e9);
	fprintf(out, "  startup %.3f ms (main to first guest instruction)", s->startup_ms);
	if (s->spawn_to_guest_ms >= 0)
		fprintf(out, ", %.3f ms from spawn", s->spawn_to_guest_ms);
	if (s->one_of_several)
		fprintf(out, "\n  memory: guest RAM touched %.1f MiB\n", kib_to_mib(s->guest_touched_kib));
	else
		fprintf(out, "\n  memory: peak RSS %.1f MiB = guest RAM touched %.1f MiB + monitor %.1f MiB\n",
			kib_to_mib(s->peak_rss_kib), kib_to_mib(s->guest_touched_kib),
			kib_to_mib(monitor_rss_kib(s)));
	fprintf(out, "  %-16s %10s %14s %12s\n", "exit reason", "count", "monitor time", "per exit");
	for (int i = 0; i < STATS_MAX_REASON; i++) {
		if (!t->exits[i])
			continue;
		fprintf(out, "  %-16s %10llu %11.3f ms %9.2f us\n", exit_reason_name((unsigned)i),
			(unsigned long long)t->exits[i], t->exit_ns[i] / 1e6,
			t->exit_ns[i] / 1e3 / (double)t->exits[i]);
	}
	fprintf(out, "  %-16s %10s   (%llu doorbell exits)\n", "hypercall", "count",
		(unsigned long long)t->hypercall_exits);
	for (int i = 0; i < HC_COUNT; i++) {
		if (t->hypercalls[i])
			fprintf(out, "  %-16s %10llu\n", hypercall_name((unsigned)i),
				(unsigned long long)t->hypercalls[i]);
	}
	if (t->pages_released)
		fprintf(out, "  pages released %llu (HC_MEM_RELEASE: given back to the host)\n",
			(unsigned long long)t->pages_released);
}

void stats_json_members(FILE *f, const struct run_summary *s)
{
	const struct vcpu_stats *t = &s->total;
	const char *sep = "";

	fprintf(f, "\"flavour\":\"%s\",\"vcpus\":%d,\"mem_bytes\":%llu,\"exit_status\":%d,",
		s->flavour, s->vcpus, (unsigned long long)s->mem_bytes, s->exit_status);
	fprintf(f, "\"wall_s\":%.9f,\"guest_s\":%.9f,\"monitor_s\":%.9f,\"parked_s\":%.9f,",
		s->wall_s, t->guest_ns / 1e9, monitor_ns(t) / 1e9, t->parked_ns / 1e9);
	fprintf(f, "\"startup_ms\":%.6f,", s->startup_ms);
	if (s->spawn_to_guest_ms >= 0)
		fprintf(f, "\"spawn_to_guest_ms\":%.6f,", s->spawn_to_guest_ms);
	fprintf(f, "\"exits\":{");
	for (int i = 0; i < STATS_MAX_REASON; i++) {
		if (!t->exits[i])
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, exit_reason_name((unsigned)i),
			(unsigned long long)t->exits[i]);
		sep = ",";
	}
	fprintf(f, "},\"exit_monitor_s\":{");
	sep = "";
	for (int i = 0; i < STATS_MAX_REASON; i++) {
		if (!t->exits[i])
			continue;
		fprintf(f, "%s\"%s\":%.9f", sep, exit_reason_name((unsigned)i), t->exit_ns[i] / 1e9);
		sep = ",";
	}
	fprintf(f, "},\"hypercall_exits\":%llu,\"hypercalls\":{",
		(unsigned long long)t->hypercall_exits);
	sep = "";
	for (int i = 0; i < HC_COUNT; i++) {
		fprintf(f, "%s\"%s\":%llu", sep, hypercall_name((unsigned)i),
			(unsigned long long)t->hypercalls[i]);
		sep = ",";
	}
	fprintf(f, "},\"pages_released\":%llu", (unsigned long long)t->pages_released);
	fprintf(f, ",\"guest_touched_kib\":%llu", (unsigned long long)s->guest_touched_kib);
	if (!s->one_of_several)
		fprintf(f, ",\"peak_rss_kib\":%llu,\"monitor_rss_kib\":%llu",
			(unsigned long long)s->peak_rss_kib, (unsigned long long)monitor_rss_kib(s));
}

int stats_close_json(FILE *f)
{
	/* A full file system shows in the stream's error (an earlier flush) or at the last flush. */
	int failed = ferror(f);
	if (fclose(f) != 0 || failed) {
		if (failed && !errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

int stats_write_json(const char *path, const struct run_summary *s,
		     void (*extra)(FILE *f, void *ctx), void *ctx)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputc('{', f);
	stats_json_members(f, s);
	if (extra) {
		fputc(',', f);
		extra(f, ctx);
	}
	fprintf(f, "}\n");
	return stats_close_json(f);
}
