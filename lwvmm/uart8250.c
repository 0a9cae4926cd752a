#include "uart8250.h"

/* Registers (offsets from the base port) and their bits, as in the 16550A data sheet. */
#define REG_DATA 0   /* THR (write) / RBR (read); DLL when LCR.DLAB */
#define REG_IER  1   /* DLM when LCR.DLAB */
#define REG_IIR  2   /* read; FCR on write */
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define REG_MSR  6
#define REG_SCR  7

#define IER_THRI    0x02
#define IIR_NONE    0x01
#define IIR_THRI    0x02
#define IIR_FIFO    0xc0   /* FIFOs enabled: a 16550A */
#define LCR_DLAB    0x80
#define MCR_LOOP    0x10
#define LSR_THRE    0x20
#define LSR_TEMT    0x40
#define MSR_DCD_DSR_CTS 0xb0

static void update_irq(struct uart8250 *u)
{
	int level = (u->ier & IER_THRI) && u->thr_empty_pending;

	if (level != u->irq_level) {
		u->irq_level = level;
		u->set_irq(u->ctx, level);
	}
}

void uart8250_init(struct uart8250 *u, void (*output)(void *, uint8_t),
		   void (*set_irq)(void *, int), void *ctx)
{
	*u = (struct uart8250){ .output = output, .set_irq = set_irq, .ctx = ctx, .dll = 12 };
}

void uart8250_write(struct uart8250 *u, unsigned reg, uint8_t value)
{
	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB) {
			u->dll = value;
			return;
		}
		/* In loopback mode the byte would come back as input, never out. */
		if (!(u->mcr & MCR_LOOP)) {
			u->output(u->ctx, value);
			u->bytes_out++;
		}
		u->thr_empty_pending = 1;   /* sent at once: the register is empty again */
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = value;
			return;
		}
		/* Enabling the transmit interrupt with the register empty raises it (the driver relies on it). */
		if ((value & IER_THRI) && !(u->ier & IER_THRI))
			u->thr_empty_pending = 1;
		u->ier = value & 0x0f;
		break;
	case REG_LCR:
		u->lcr = value;
		return;
	case REG_MCR:
		u->mcr = value & 0x1f;
		return;
	case REG_SCR:
		u->scr = value;
		return;
	default:   /* FCR, and the read-only LSR and MSR */
		return;
	}
	update_irq(u);
}

uint8_t uart8250_read(struct uart8250 *u, unsigned reg)
{
	uint8_t value = 0;

	switch (reg) {
	case REG_DATA:
		return (u->lcr & LCR_DLAB) ? u->dll : 0;   /* nothing is ever received */
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR:
		/* Reading IIR while it names the transmit interrupt acknowledges it. */
		if ((u->ier & IER_THRI) && u->thr_empty_pending) {
			value = IIR_THRI | IIR_FIFO;
			u->thr_empty_pending = 0;
			update_irq(u);
		} else {
			value = IIR_NONE | IIR_FIFO;
		}
		return value;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT;
	case REG_MSR:
		/* In loopback mode the modem lines read back MCR's outputs (the driver's probe checks). */
		if (u->mcr & MCR_LOOP)
			return (uint8_t)(((u->mcr & 0x02) << 3) | ((u->mcr & 0x01) << 5) |
					 ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
		return MSR_DCD_DSR_CTS;
	case REG_SCR:
		return u->scr;
	}
	return 0xff;
}
