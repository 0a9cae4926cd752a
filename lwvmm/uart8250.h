/*
 * The Linux guest's serial console: an 8250/16550A UART at COM1 (port
 * 0x3f8, IRQ 4), enough of it for Linux's 8250 driver: the transmitter
 * (every byte goes out at once, so the holding register is always empty),
 * the transmit-empty interrupt, the divisor latch and the registers the
 * driver writes and reads back when it probes. Nothing is received. A pure
 * model: output and the interrupt line go through callbacks
 * (tests/unit/test_uart8250.c drives it without KVM).
 */
#ifndef LWVMM_UART8250_H
#define LWVMM_UART8250_H

#include <stdint.h>

#define UART_COM1_PORT 0x3f8
#define UART_COM1_IRQ  4

struct uart8250 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	int thr_empty_pending;   /* a transmit-empty interrupt not yet read from IIR */
	int irq_level;           /* what the line was last set to */
	void (*output)(void *ctx, uint8_t byte);
	void (*set_irq)(void *ctx, int level);
	void *ctx;
	uint64_t bytes_out;
};

void uart8250_init(struct uart8250 *u, void (*output)(void *, uint8_t),
		   void (*set_irq)(void *, int), void *ctx);

/* An access to register `reg` (0..7: port - UART_COM1_PORT). */
void uart8250_write(struct uart8250 *u, unsigned reg, uint8_t value);
uint8_t uart8250_read(struct uart8250 *u, unsigned reg);

#endif
