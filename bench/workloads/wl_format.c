/*
 * A small vsnprintf for the workloads, used by both builds so that the
 * result line is formatted identically natively and in the guest (which has
 * no libc). Supports %d %i %u %x %s %c %p %% with the l/ll/z length
 * modifiers, a field width, and %f/%.Nf for doubles.
 */
#include "wl.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s, int width)
{
	int n = 0;
	while (s[n])
		n++;
	for (; width > n; width--)
		put(o, ' ');
	while (*s)
		put(o, *s++);
}

/* Digits are built backwards in tmp[0..n): pad to `width`, then emit them in order. */
static void put_reversed(struct out *o, const char *tmp, int n, int width)
{
	for (; width > n; width--)
		put(o, ' ');
	while (n)
		put(o, tmp[--n]);
}

static void put_unsigned(struct out *o, unsigned long long v, unsigned base, int width, int neg)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	put_reversed(o, tmp, n, width);
}

/* Fixed-point with `prec` decimals (at most 9), rounded half up. */
static void put_double(struct out *o, double v, int prec, int width)
{
	unsigned long long scale = 1;
	char tmp[48];
	int n = 0;

	if (v != v) {
		put_str(o, "nan", width);
		return;
	}
	int neg = v < 0;
	if (neg)
		v = -v;
	if (v > 1e18) {
		put_str(o, neg ? "-inf" : "inf", width);
		return;
	}
	if (prec > 9)
		prec = 9;
	for (int i = 0; i < prec; i++)
		scale *= 10;
	unsigned long long ip = (unsigned long long)v;
	unsigned long long fp = (unsigned long long)((v - (double)ip) * (double)scale + 0.5);
	if (fp >= scale) {
		ip++;
		fp -= scale;
	}
	for (int i = 0; i < prec; i++) {
		tmp[n++] = (char)('0' + fp % 10);
		fp /= 10;
	}
	if (prec)
		tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	if (neg)
		tmp[n++] = '-';
	put_reversed(o, tmp, n, width);
}

int wl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		int width = 0, prec = 6, longs = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			longs++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);
			put_unsigned(&o, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, width, v < 0);
			break;
		}
		case 'u':
			put_unsigned(&o, longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 10, width, 0);
			break;
		case 'x':
			put_unsigned(&o, longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned), 16, width, 0);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_unsigned(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16, 0, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			put_str(&o, s ? s : "(null)", width);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'f':
			put_double(&o, va_arg(ap, double), prec, width);
			break;
		case '%':
			put(&o, '%');
			break;
		default:   /* unknown conversion: print it as it is */
			put(&o, '%');
			if (!*fmt)
				goto done;
			put(&o, *fmt);
			break;
		}
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int wl_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = wl_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
