/*
 * What lwIP needs from its platform in the built-in guest: time for its
 * timers, random numbers for initial sequence numbers and ports, the few C
 * library string functions its core calls, and an assertion handler that
 * ends the VM (the guest cannot take exceptions, so it cannot abort()).
 */
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"
#include "lwip/sys.h"
#include "wl.h"

u32_t sys_now(void)
{
	return (u32_t)(wl_time_ns() / 1000000u);
}

/* xorshift64*, seeded from the TSC: good enough for ISNs and ephemeral ports. */
unsigned int lwip_port_rand(void)
{
	static uint64_t state;

	if (!state) {
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		state = (((uint64_t)hi << 32) | lo) | 1;
	}
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (unsigned int)((state * 0x2545F4914F6CDD1DULL) >> 32);
}

void lwip_port_assert(const char *msg, int line, const char *file)
{
	wl_printf("lwIP assertion failed: %s at %s:%d\n", msg, file, line);
	for (;;)
		hc_call(HC_EXIT, 3, 0);
}

/* C library functions lwIP's core calls (def.c, netif.c, pbuf.c). */
size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

/* Decimal only: all lwIP parses is interface numbers (glibc's inline atoi() calls this). */
long strtol(const char *s, char **end, int base)
{
	long v = 0;
	int neg = *s == '-';

	(void)base;
	if (*s == '-' || *s == '+')
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	if (end)
		*end = (char *)s;
	return neg ? -v : v;
}

int atoi(const char *s)
{
	return (int)strtol(s, 0, 10);
}
