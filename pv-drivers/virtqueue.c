#include <stdio.h>
#include <string.h>

#include "virtqueue.h"

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Byte sizes of the three areas (2.7: with the event words, which are not used). */
static uint64_t desc_bytes(uint16_t size) { return 16ULL * size; }
static uint64_t avail_bytes(uint16_t size) { return 6 + 2ULL * size; }
static uint64_t used_bytes(uint16_t size) { return 6 + 8ULL * size; }

static int area_ok(const struct guest_memory *mem, const char *what, uint64_t gpa, uint64_t bytes,
		   uint64_t align, char *why, size_t why_len)
{
	char where[120];

	if (gpa % align) {
		snprintf(why, why_len, "virtqueue %s at 0x%llx is not %llu-byte aligned", what,
			 (unsigned long long)gpa, (unsigned long long)align);
		return -1;
	}
	if (guest_io_check(mem, gpa, bytes, where, sizeof(where)) < 0) {
		snprintf(why, why_len, "virtqueue %s %s", what, where);
		return -1;
	}
	return 0;
}

int virtq_init(struct virtq *q, const struct guest_memory *mem, uint16_t size, uint64_t desc,
	       uint64_t avail, uint64_t used, char *why, size_t why_len)
{
	if (size == 0 || size > VIRTQ_MAX_SIZE || (size & (size - 1))) {
		snprintf(why, why_len, "virtqueue size %u is not a power of 2 up to %u", size, VIRTQ_MAX_SIZE);
		return -1;
	}
	if (area_ok(mem, "descriptor table", desc, desc_bytes(size), 16, why, why_len) < 0 ||
	    area_ok(mem, "available ring", avail, avail_bytes(size), 2, why, why_len) < 0 ||
	    area_ok(mem, "used ring", used, used_bytes(size), 4, why, why_len) < 0)
		return -1;
	*q = (struct virtq){ .mem = mem, .size = size, .desc = desc, .avail = avail, .used = used };
	return 0;
}

/* Host pointers into the areas virtq_init() checked (RAM never moves during a run). */
static uint16_t *avail_word(const struct virtq *q, uint64_t index)
{
	return (uint16_t *)(q->mem->host + q->avail + 2 * index);
}

static uint16_t *used_word(const struct virtq *q, uint64_t index)
{
	return (uint16_t *)(q->mem->host + q->used + 2 * index);
}

int virtq_pending(const struct virtq *q)
{
	uint16_t idx = __atomic_load_n(avail_word(q, 1), __ATOMIC_ACQUIRE);
	uint16_t waiting = (uint16_t)(idx - q->last_avail);

	return waiting > q->size ? -1 : waiting;
}

/* Copies descriptor `i` (i < size) out of the table: the guest may rewrite it meanwhile. */
static struct desc read_desc(const struct virtq *q, uint16_t i)
{
	struct desc d;

	memcpy(&d, q->mem->host + q->desc + 16ULL * i, sizeof(d));
	__atomic_signal_fence(__ATOMIC_SEQ_CST);   /* one copy: the checks below see what is used */
	return d;
}

int virtq_pop(struct virtq *q, uint16_t *head, struct virtq_buf *bufs, int max, int *n,
	      char *why, size_t why_len)
{
	int waiting = virtq_pending(q);

	if (waiting < 0) {
		snprintf(why, why_len, "the driver made more than the queue's %u entries available", q->size);
		return -1;
	}
	if (waiting == 0)
		return 0;
	uint16_t i = __atomic_load_n(avail_word(q, 2 + q->last_avail % q->size), __ATOMIC_RELAXED);
	q->last_avail++;
	*head = i;
	*n = 0;
	for (int seen = 0;; seen++) {
		char where[120];
		/* A chain visits each descriptor once at most: longer is a loop. */
		if (i >= q->size) {
			snprintf(why, why_len, "descriptor index %u is past the queue's %u", i, q->size);
			return -1;
		}
		if (seen >= q->size) {
			snprintf(why, why_len, "a descriptor chain longer than the queue's %u (a loop)", q->size);
			return -1;
		}
		if (*n >= max) {
			snprintf(why, why_len, "a descriptor chain of more than %d buffers", max);
			return -1;
		}
		struct desc d = read_desc(q, i);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			snprintf(why, why_len, "an indirect descriptor (not offered)");
			return -1;
		}
		int writable = (d.flags & VIRTQ_DESC_F_WRITE) != 0;
		if (!writable && *n > 0 && bufs[*n - 1].writable) {
			snprintf(why, why_len, "a device-readable buffer after a device-writable one");
			return -1;
		}
		if (guest_io_check(q->mem, d.addr, d.len, where, sizeof(where)) < 0) {
			snprintf(why, why_len, "descriptor %u: buffer %s", i, where);
			return -1;
		}
		bufs[(*n)++] = (struct virtq_buf){ .gpa = d.addr, .len = d.len, .writable = writable };
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 1;
		i = d.next;
	}
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint8_t *e = q->mem->host + q->used + 4 + 8ULL * (q->used_idx % q->size);
	uint32_t id = head;

	memcpy(e, &id, 4);
	memcpy(e + 4, &len, 4);
	q->used_idx++;
}

int virtq_publish(struct virtq *q)
{
	__atomic_store_n(used_word(q, 1), q->used_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the index before the driver's flag is read */
	uint16_t flags = __atomic_load_n(avail_word(q, 0), __ATOMIC_RELAXED);
	return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

int virtq_want_kicks(struct virtq *q, int want)
{
	__atomic_store_n(used_word(q, 0), want ? 0 : VIRTQ_USED_F_NO_NOTIFY, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return virtq_pending(q);
}
