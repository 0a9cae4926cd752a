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

/* Descriptor i: each is a struct kvm_stats_desc followed by a name of name_size bytes. */
static struct kvm_stats_desc *desc_at(const struct kvm_stats_header *h, char *descs, uint32_t i)
{
	return (struct kvm_stats_desc *)(descs + i * (sizeof(struct kvm_stats_desc) + h->name_size));
}

/* The bytes of the data block the descriptors cover: up to the end of the last counter. */
static size_t data_bytes(const struct kvm_stats_header *h, char *descs)
{
	size_t end = 0;

	for (uint32_t i = 0; i < h->num_desc; i++) {
		struct kvm_stats_desc *d = desc_at(h, descs, i);
		size_t e = (size_t)d->offset + (size_t)d->size * sizeof(uint64_t);
		if (e > end)
			end = e;
	}
	return end;
}

/* Adds the cumulative single-value counters of one vCPU's data block to `c`. */
static void add_counters(struct kvm_counters *c, const struct kvm_stats_header *h, char *descs,
			 const char *data, size_t data_size)
{
	for (uint32_t i = 0; i < h->num_desc; i++) {
		struct kvm_stats_desc *d = desc_at(h, descs, i);
		uint64_t value;
		d->name[h->name_size - 1] = '\0';
		if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1)
			continue;
		if ((size_t)d->offset + sizeof(value) > data_size)
			continue;
		memcpy(&value, data + d->offset, sizeof(value));
		int slot = stat_slot(c, d->name);
		if (slot >= 0)
			c->value[slot] += value;
	}
}

/*
 * Adds a vCPU's cumulative single-value counters to `c`; 0, or -1 when
 * unsupported. Three reads: the header, the descriptors, the whole data block.
 */
int kvm_counters_add_vcpu(struct kvm_counters *c, int vcpu_fd)
{
	struct kvm_stats_header h;
	int fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	char *descs = NULL, *data = NULL;
	int rc = -1;

	if (fd < 0)
		return -1;
	/* name_size 0 would leave no room for the terminating NUL add_counters() writes. */
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.num_desc > 4096 ||
	    h.name_size == 0 || h.name_size > 256)
		goto out;
	size_t descs_size = (sizeof(struct kvm_stats_desc) + h.name_size) * h.num_desc;
	descs = malloc(descs_size);
	if (!descs || pread(fd, descs, descs_size, h.desc_offset) != (ssize_t)descs_size)
		goto out;
	size_t data_size = data_bytes(&h, descs);
	if (data_size == 0 || data_size > (1u << 20))   /* none, or not a vCPU's few KiB */
		goto out;
	data = malloc(data_size);
	if (!data || pread(fd, data, data_size, h.data_offset) != (ssize_t)data_size)
		goto out;
	add_counters(c, &h, descs, data, data_size);
	rc = 0;
out:
	free(data);
	free(descs);
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
