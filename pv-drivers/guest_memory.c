#include <stdio.h>

#include "guest_memory.h"

int guest_range_ok(uint64_t size, uint64_t gpa, uint64_t len)
{
	if (gpa > size)
		return 0;
	return len <= size - gpa;
}

void *guest_ptr(const struct guest_memory *mem, uint64_t gpa, uint64_t len)
{
	if (!guest_range_ok(mem->size, gpa, len))
		return NULL;
	return mem->host + gpa;
}

static void say(char *why, size_t why_len, const char *what, uint64_t gpa, uint64_t len)
{
	if (why)
		snprintf(why, why_len, "0x%llx+%llu %s", (unsigned long long)gpa,
			 (unsigned long long)len, what);
}

int guest_io_check(const struct guest_memory *mem, uint64_t gpa, uint64_t len,
		   char *why, size_t why_len)
{
	if (!guest_range_ok(mem->size, gpa, len)) {
		say(why, why_len, "lies outside guest RAM", gpa, len);
		return -1;
	}
	if (gpa < mem->owned_from) {
		say(why, why_len, "lies in the monitor's pages below the guest image", gpa, len);
		return -1;
	}
	int n = __atomic_load_n(&mem->nrings, __ATOMIC_ACQUIRE);
	for (int i = 0; i < n; i++) {
		if (guest_ranges_overlap(gpa, len, mem->rings[i].gpa, mem->rings[i].bytes)) {
			say(why, why_len, "overlaps an attached ring", gpa, len);
			return -1;
		}
	}
	return 0;
}

void *guest_io_ptr(const struct guest_memory *mem, uint64_t gpa, uint64_t len)
{
	if (guest_io_check(mem, gpa, len, NULL, 0) < 0)
		return NULL;
	if (mem->before_io)
		mem->before_io(gpa, len);
	return mem->host + gpa;
}

int guest_memory_add_ring(struct guest_memory *mem, uint64_t gpa, uint64_t bytes,
			  char *why, size_t why_len)
{
	if (mem->nrings >= GUEST_MAX_RINGS) {
		snprintf(why, why_len, "at most %d rings", GUEST_MAX_RINGS);
		return -1;
	}
	if (guest_io_check(mem, gpa, bytes, why, why_len) < 0)
		return -1;
	mem->rings[mem->nrings] = (struct guest_range){ .gpa = gpa, .bytes = bytes };
	__atomic_store_n(&mem->nrings, mem->nrings + 1, __ATOMIC_RELEASE);
	return 0;
}
