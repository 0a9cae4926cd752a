/*
 * libFuzzer target: the console back end (pv-drivers/consback.c) draining
 * a ring a hostile guest controls: slot contents, lengths, the producer
 * index, and a second advance between two drains (a doorbell, then the
 * monitor's tick), through consback_ops as the device table calls it. The
 * output goes to /dev/null. ASan reports any read outside a slot or the ring.
 *
 * Input: 1 byte of flags (bit 0: an 8 KiB ring, else 4 KiB), 4 bytes of
 * starting index, 4 of producer advance, 4 of the second advance, then the
 * ring's slots.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consback.h"
#include "consif.h"

#define RAM_SIZE (1u << 20)
#define RING_GPA 0x10000u

static uint8_t *ram;
static struct guest_memory mem;
static int devnull = -1;

static void raise_event(void *ctx, int port)
{
	(void)ctx;
	(void)port;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_guest guest = { .mem = &mem, .raise_event = raise_event };
	struct consback c;
	uint32_t start, advance, more;
	char why[256];

	if (!ram) {
		ram = calloc(1, RAM_SIZE);
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (!ram || devnull < 0)
			abort();
		mem = (struct guest_memory){ .fd = -1, .host = ram, .size = RAM_SIZE, .owned_from = 0x8000 };
	}
	if (size < 13)
		return 0;
	uint64_t ring_bytes = data[0] & 1 ? 8192 : 4096;
	memcpy(&start, data + 1, 4);
	memcpy(&advance, data + 5, 4);
	memcpy(&more, data + 9, 4);
	data += 13;
	size -= 13;

	struct ring_shared *s = guest_ptr(&mem, RING_GPA, ring_bytes);
	memset(s, 0, ring_bytes);
	memcpy(s->slots, data, size < ring_bytes - RING_HEADER_BYTES ? size : ring_bytes - RING_HEADER_BYTES);
	s->rsp_prod = start;
	memset(&c, 0, sizeof(c));
	if (consback_ops.open(&c, "", 0, why, sizeof(why)) < 0)
		abort();
	c.out_fd = devnull;
	if (consback_ops.attach(&c, &guest, RING_GPA, ring_bytes, 0, -1, why, sizeof(why)) < 0)
		abort();
	s->req_prod = start + advance;
	consback_ops.doorbell(&c);
	s->req_prod = start + advance + more;
	consback_ops.tick(&c);
	if (c.bytes > c.slots * CONS_SLOT_BYTES)
		abort();
	pthread_mutex_destroy(&c.lock);
	return 0;
}
