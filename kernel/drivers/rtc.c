/*
 * The MC146818-compatible CMOS clock, behind the index/data port pair
 * 0x70/0x71.  drivers/clock.c reads it once at boot to start the wall
 * clock; nothing writes it.
 *
 * Reading.  Once a second the chip updates its date and time registers;
 * status register A's UIP bit rises 244 us before the update and stays up
 * through it (under 2 ms), and a read across the update can mix the old
 * and the new second (59 seconds with the next minute).  So a read waits
 * for UIP to clear, takes every register, and is repeated until two reads
 * in a row agree.  Every wait is bounded: with no chip the bus reads 0xFF,
 * UIP never clears, and the answer is -EIO, not a hang.
 *
 * Decoding (rtc_decode, a pure function, tested by the "rtc" suite).
 * Status register B says whether values are binary or BCD and whether
 * hours are 24-hour or 12-hour; in 12-hour mode bit 7 of the hour is PM
 * and the hours run 12, 1, ..., 11 (12 AM is midnight).  The century is
 * register 0x32, the PC/AT convention QEMU follows (ACPI's FADT would name
 * the register; M-OS reads no ACPI tables), used when it holds a
 * plausible century; otherwise years 70-99 are 19xx and 00-69 are 20xx.
 * The chip is taken to keep UTC, as QEMU's does by default.
 *
 * rtc_lock protects the index/data pair: selecting a register and reading
 * it must not interleave with another CPU doing the same.  It is held for
 * one register at a time; the agreeing reads make the set consistent.
 */
#include "drivers/rtc.h"
#include "main/io.h"
#include "util/errno.h"
#include "util/spinlock.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_STATUS_A 0x0A
#define REG_STATUS_B 0x0B
#define REG_CENTURY 0x32
#define STATUS_A_UIP 0x80		/* update in progress */
#define STATUS_B_24HOUR 0x02
#define STATUS_B_BINARY 0x04
#define HOUR_PM 0x80
#define HOURS_PER_HALF_DAY 12

#define CENTURY_MIN 19			/* a century register outside 19..29 is junk */
#define CENTURY_MAX 29
#define PIVOT_YEAR 70			/* two-digit years below this are 20xx */
#define EPOCH_YEAR 1970
#define MINUTES_PER_HOUR 60
#define SECONDS_PER_MINUTE 60
#define SECONDS_PER_HOUR 3600
#define SECONDS_PER_DAY 86400

/* Register reads while waiting for UIP to clear: far more than the 2 ms
 * an update lasts even at one read per microsecond. */
#define UIP_MAX_POLLS 200000
/* Whole reads before giving up on two in a row agreeing. */
#define STABLE_MAX_READS 8

static spinlock_t rtc_lock = SPINLOCK_INIT("CMOS index/data ports");

/* --- decoding ------------------------------------------------------------ */

/* A register value in the chip's format -> binary; -1 for a BCD digit
 * above 9. */
static int field(uint8_t v, bool binary)
{
	if (binary)
		return v;
	if ((v & 0x0F) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0F);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return days[m - 1] + (m == 2 && is_leap(y));
}

/* 0..23 from the hour register, or -1. */
static int decode_hour(uint8_t raw, uint8_t status_b)
{
	bool binary = status_b & STATUS_B_BINARY;
	if (status_b & STATUS_B_24HOUR) {
		int h = field(raw, binary);
		return h < 24 ? h : -1;
	}
	int h = field(raw & ~HOUR_PM, binary);
	if (h < 1 || h > HOURS_PER_HALF_DAY)
		return -1;
	h %= HOURS_PER_HALF_DAY;		/* 12 AM is 0, 12 PM is 12 */
	return (raw & HOUR_PM) ? h + HOURS_PER_HALF_DAY : h;
}

/* The full year, or -1. */
static int decode_year(const rtc_regs_t *r, bool binary)
{
	int yy = field(r->year, binary), cc = field(r->century, binary);
	if (yy < 0 || yy > 99)
		return -1;
	if (cc >= CENTURY_MIN && cc <= CENTURY_MAX)
		return cc * 100 + yy;
	return yy < PIVOT_YEAR ? 2000 + yy : 1900 + yy;
}

int rtc_decode(const rtc_regs_t *r, int64_t *epoch)
{
	bool binary = r->status_b & STATUS_B_BINARY;
	int sec = field(r->sec, binary), min = field(r->min, binary);
	int hour = decode_hour(r->hour, r->status_b);
	int day = field(r->day, binary), mon = field(r->mon, binary);
	int year = decode_year(r, binary);

	if (sec < 0 || sec >= SECONDS_PER_MINUTE || min < 0 || min >= MINUTES_PER_HOUR ||
	    hour < 0 || year < EPOCH_YEAR || mon < 1 || mon > 12 ||
	    day < 1 || day > days_in_month(year, mon))
		return -EINVAL;

	int64_t days = day - 1;
	for (int y = EPOCH_YEAR; y < year; y++)
		days += is_leap(y) ? 366 : 365;
	for (int m = 1; m < mon; m++)
		days += days_in_month(year, m);
	*epoch = days * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR + min * SECONDS_PER_MINUTE + sec;
	return 0;
}

/* --- reading ------------------------------------------------------------- */

static int wait_not_updating(uint8_t (*read)(void *, uint8_t), void *arg)
{
	for (int i = 0; i < UIP_MAX_POLLS; i++)
		if (!(read(arg, REG_STATUS_A) & STATUS_A_UIP))
			return 0;
	return -EIO;
}

static int read_once(uint8_t (*read)(void *, uint8_t), void *arg, rtc_regs_t *r)
{
	if (wait_not_updating(read, arg) < 0)
		return -EIO;
	r->sec = read(arg, REG_SECONDS);
	r->min = read(arg, REG_MINUTES);
	r->hour = read(arg, REG_HOURS);
	r->day = read(arg, REG_DAY);
	r->mon = read(arg, REG_MONTH);
	r->year = read(arg, REG_YEAR);
	r->century = read(arg, REG_CENTURY);
	r->status_b = read(arg, REG_STATUS_B);
	return 0;
}

static bool same_regs(const rtc_regs_t *a, const rtc_regs_t *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour &&
	       a->day == b->day && a->mon == b->mon && a->year == b->year &&
	       a->century == b->century && a->status_b == b->status_b;
}

int rtc_read_regs_with(uint8_t (*read)(void *arg, uint8_t index), void *arg, rtc_regs_t *out)
{
	rtc_regs_t prev, cur;
	if (read_once(read, arg, &prev) < 0)
		return -EIO;
	for (int i = 1; i < STABLE_MAX_READS; i++) {
		if (read_once(read, arg, &cur) < 0)
			return -EIO;
		if (same_regs(&prev, &cur)) {
			*out = cur;
			return 0;
		}
		prev = cur;
	}
	return -EIO;
}

/* Bit 7 of the index is the NMI mask: left clear, NMIs stay enabled. */
static uint8_t cmos_read(void *unused, uint8_t index)
{
	spin_lock(&rtc_lock);
	outb(CMOS_INDEX, index);
	uint8_t v = inb(CMOS_DATA);
	spin_unlock(&rtc_lock);
	return v;
}

int rtc_read_regs(rtc_regs_t *out)
{
	return rtc_read_regs_with(cmos_read, NULL, out);
}

int rtc_read_epoch(int64_t *epoch)
{
	rtc_regs_t r;
	int rc = rtc_read_regs(&r);
	return rc < 0 ? rc : rtc_decode(&r, epoch);
}
