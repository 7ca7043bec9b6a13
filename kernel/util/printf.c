/*
 * The printf family.  One formatter (format_to) writes through a sink that
 * either fills a bounded buffer (vsnprintf) or a small stack buffer flushed
 * to the console and the kernel log ring (vkprintf, util/klog.h), so the
 * two can never disagree on a format.
 * The buffer sink counts every byte the output would have had, writes only
 * what fits, and always leaves a terminating NUL when size > 0.
 */
#include "util/printf.h"
#include "util/klog.h"
#include "util/string.h"
#include "drivers/console.h"

struct sink {
	char *buf;
	size_t size;	/* capacity of buf */
	size_t len;	/* bytes produced so far (may exceed size) */
	size_t flushed;	/* bytes already handed to flush */
	void (*flush)(struct sink *);
};

static void sink_put(struct sink *s, char c)
{
	if (s->len < s->size)
		s->buf[s->len] = c;
	else if (s->flush) {
		s->flush(s);
		s->buf[s->len] = c;
	}
	s->len++;
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision;	/* -1: none */
	int size;	/* 0 int, 1 long, 2 long long */
};

static void put_padded(struct sink *s, const char *prefix, const char *body,
		       size_t body_len, const struct spec *sp, bool numeric)
{
	size_t plen = strlen(prefix);
	int pad = sp->width - (int)(plen + body_len);
	bool zero_pad = numeric && sp->zero && !sp->left;

	if (!sp->left && !zero_pad)
		for (; pad > 0; pad--)
			sink_put(s, ' ');
	for (size_t i = 0; i < plen; i++)
		sink_put(s, prefix[i]);
	if (zero_pad)
		for (; pad > 0; pad--)
			sink_put(s, '0');
	for (size_t i = 0; i < body_len; i++)
		sink_put(s, body[i]);
	for (; pad > 0; pad--)
		sink_put(s, ' ');
}

static void put_number(struct sink *s, unsigned long long v, bool negative,
		       unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	const char *prefix = "";

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		prefix = "-";
	else if (sp->plus)
		prefix = "+";
	else if (sp->space)
		prefix = " ";
	else if (sp->alt && base == 16)
		prefix = upper ? "0X" : "0x";
	put_padded(s, prefix, tmp + sizeof(tmp) - n, n, sp, true);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->precision = -1;
	for (;; f++) {
		if (*f == '-') sp->left = true;
		else if (*f == '0') sp->zero = true;
		else if (*f == '+') sp->plus = true;
		else if (*f == ' ') sp->space = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	if (*f == '.') {
		sp->precision = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			sp->precision = sp->precision * 10 + (*f - '0');
	}
	for (; *f == 'l'; f++)
		sp->size++;
	if (*f == 'z')	/* size_t is unsigned int on i386 */
		f++;
	return f;
}

static unsigned long long arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->size == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->size >= 2)
		return va_arg(*ap, long long);
	if (sp->size == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void format_to(struct sink *s, const char *fmt, va_list ap_in)
{
	va_list ap;
	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			sink_put(s, *f);
			continue;
		}
		struct spec sp;
		f = parse_spec(f + 1, &sp, &ap);
		switch (*f) {
		case 'd':
		case 'i': {
			long long v = arg_signed(&sp, &ap);
			unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
			put_number(s, mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
			put_number(s, arg_unsigned(&sp, &ap), false, 10, false, &sp);
			break;
		case 'x':
		case 'X':
			put_number(s, arg_unsigned(&sp, &ap), false, 16, *f == 'X', &sp);
			break;
		case 'p':
			sp.alt = true;
			put_number(s, (uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			put_padded(s, "", &c, 1, &sp, false);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t len = sp.precision >= 0 ? strnlen(str, sp.precision) : strlen(str);
			put_padded(s, "", str, len, &sp, false);
			break;
		}
		case '%':
			sink_put(s, '%');
			break;
		case '\0':
			f--;	/* a lone '%' at the end: stop at the NUL */
			break;
		default:	/* unknown conversion: print it as written */
			sink_put(s, '%');
			sink_put(s, *f);
		}
	}
	va_end(ap);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size ? size - 1 : 0, 0, 0, NULL };
	format_to(&s, fmt, ap);
	if (size > 0)
		buf[s.len < size - 1 ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define KPRINTF_CHUNK 128

/* The console sink writes each full chunk and starts the buffer over; len
 * keeps counting from the start of the chunk. */
static void console_flush(struct sink *s)
{
	klog_write(s->buf, s->len);
	console_write(s->buf, s->len);
	s->flushed += s->len;
	s->len = 0;
}

int vkprintf(const char *fmt, va_list ap)
{
	char chunk[KPRINTF_CHUNK];
	struct sink s = { chunk, sizeof(chunk), 0, 0, console_flush };
	format_to(&s, fmt, ap);
	console_flush(&s);
	return (int)s.flushed;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}
