/*
 * lwIP's port header for the built-in guest: a freestanding CPL3 program
 * with no libc. The compiler's own headers (stddef, stdint, limits,
 * inttypes) are enough; diagnostics go to the guest console and a failed
 * assertion ends the VM with exit status 3 (lwip_port.c).
 */
#ifndef LWVMM_LWIP_ARCH_CC_H
#define LWVMM_LWIP_ARCH_CC_H

#define LWIP_NO_CTYPE_H 1     /* lwIP's own isdigit() and friends */

#define BYTE_ORDER LITTLE_ENDIAN

int wl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lwip_port_assert(const char *msg, int line, const char *file) __attribute__((noreturn));
unsigned int lwip_port_rand(void);

#define LWIP_PLATFORM_DIAG(x) do { wl_printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert((x), __LINE__, __FILE__)
#define LWIP_RAND() ((u32_t)lwip_port_rand())

#endif
