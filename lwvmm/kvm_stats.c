/*
 * KVM's own counters for a vCPU (KVM_GET_STATS_FD, Linux 5.14+): what the
 * kernel handled without ever returning to lwvmm, such as page faults on the
 * guest's memory, host interrupts and halts. lwvmm's exit statistics only see
 * the exits that reach user space; these show the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_stats.h"

static int stat_slot(struct kvm_counters *c, const char *name)
{
	for (int i = 0; i < c->n; i++) {
		if (strcmp(c->name[i], name) == 0)
			return i;
	}
	if (c->n == KVM_COUNTERS_MAX)
		return -1;
	snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
	c->value[c->n] = 0;
	return c->n++;
}

/* Adds a vCPU's cumulative single-value counters to `c`; 0, or -1 when unsupported. */
int kvm_counters_add_vcpu(struct kvm_counters *c, int vcpu_fd)
{
	struct kvm_stats_header h;
	int fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	int rc = -1;

	if (fd < 0)
		return -1;
	/* name_size 0 would leave no room for the terminating NUL written below. */
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.num_desc > 4096 ||
	    h.name_size == 0 || h.name_size > 256)
		goto out;
	size_t desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	char *descs = malloc(desc_size * h.num_desc);
	if (!descs)
		goto out;
	if (pread(fd, descs, desc_size * h.num_desc, h.desc_offset) == (ssize_t)(desc_size * h.num_desc)) {
		for (uint32_t i = 0; i < h.num_desc; i++) {
			struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * desc_size);
			uint64_t value;
			d->name[h.name_size - 1] = '\0';
			if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1)
				continue;
			if (pread(fd, &value, sizeof(value), h.data_offset + d->offset) != sizeof(value))
				continue;
			int slot = stat_slot(c, d->name);
			if (slot >= 0)
				c->value[slot] += value;
		}
		rc = 0;
	}
	free(descs);
out:
	close(fd);
	return rc;
}

void kvm_counters_print(FILE *out, const struct kvm_counters *c)
{
	int shown = 0;

	for (int i = 0; i < c->n; i++) {
		if (!c->value[i])
			continue;
		fprintf(out, "%s%s %llu", shown ? ", " : "  KVM's own counters (all vCPUs): ", c->name[i],
			(unsigned long long)c->value[i]);
		shown++;
	}
	if (shown)
		fputc('\n', out);
}

void kvm_counters_json(FILE *out, const struct kvm_counters *c)
{
	const char *sep = "";

	fprintf(out, "\"kvm\":{");
	for (int i = 0; i < c->n; i++) {
		fprintf(out, "%s\"%s\":%llu", sep, c->name[i], (unsigned long long)c->value[i]);
		sep = ",";
	}
	fprintf(out, "}");
}
