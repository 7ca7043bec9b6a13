/*
 * Suite "rtc": the CMOS clock and the wall clock.
 *
 *  - rtc_decode on known register values: BCD and binary, 24- and 12-hour
 *    (12 AM is midnight, 12 PM noon), the century register and the
 *    two-digit pivot without one, leap years (2000 is one, 2100 is not),
 *    2038's 32-bit edge; and invalid values refused with -EINVAL (BCD
 *    digits above 9, month 0 or 13, February 30, hour 24, 12-hour hour 0,
 *    1969, a floating bus's 0xFF everywhere);
 *  - the read protocol against a simulated chip: update-in-progress is
 *    waited out; a second that ticks in the middle of a read never gives
 *    a mix of the two; a chip whose UIP never clears, or whose values never
 *    settle, is -EIO after a bounded number of reads;
 *  - the real chip: it reads a date between 2024 and 2100, it ticks (two
 *    reads 1.1 s apart differ by 1 or 2 s), REALTIME agrees with it, and
 *    when tools/run-tests.sh passes the host's time as rtc_host_epoch=N the
 *    chip is within a few minutes of it;
 *  - setting REALTIME moves it and vfs_time_now() but not MONOTONIC;
 *    invalid times are -EINVAL and change nothing.
 */
#include "test/ktest.h"
#include "drivers/clock.h"
#include "drivers/pit.h"
#include "drivers/rtc.h"
#include "fs/vfs.h"
#include "main/cmdline.h"
#include "util/errno.h"
#include "util/printf.h"
#include "util/string.h"

#define BCD_24H 0x02		/* status register B: 24-hour, BCD */
#define BIN_24H 0x06		/* 24-hour, binary */
#define BCD_12H 0x00
#define BIN_12H 0x04
#define PM 0x80
#define EPOCH_2024 1704067200ll
#define EPOCH_2100 4102444800ll
#define HOST_SLACK_BEFORE 60	/* s the chip may be behind the host's reading */
#define HOST_SLACK_AFTER 300	/* s after it: the boot and earlier suites */

static rtc_regs_t regs(uint8_t year, uint8_t mon, uint8_t day, uint8_t hour, uint8_t min,
		       uint8_t sec, uint8_t century, uint8_t status_b)
{
	rtc_regs_t r = { .sec = sec, .min = min, .hour = hour, .day = day, .mon = mon,
			 .year = year, .century = century, .status_b = status_b };
	return r;
}

static void expect_epoch(int line, rtc_regs_t r, int64_t want)
{
	int64_t got = -1;
	int rc = rtc_decode(&r, &got);
	ktest_check(rc == 0 && got == want, __FILE__, line,
		    "decode %02x-%02x-%02x %02x:%02x:%02x century %02x B %02x: rc %d, %lld, expected %lld",
		    r.year, r.mon, r.day, r.hour, r.min, r.sec, r.century, r.status_b, rc,
		    (long long)got, (long long)want);
}

static void expect_invalid(int line, rtc_regs_t r)
{
	int64_t got = -1;
	int rc = rtc_decode(&r, &got);
	ktest_check(rc == -EINVAL, __FILE__, line,
		    "decode %02x-%02x-%02x %02x:%02x:%02x century %02x B %02x: rc %d (%lld), expected -EINVAL",
		    r.year, r.mon, r.day, r.hour, r.min, r.sec, r.century, r.status_b, rc,
		    (long long)got);
}

#define EPOCH(r, want) expect_epoch(__LINE__, (r), (want))
#define INVALID(r) expect_invalid(__LINE__, (r))

static void test_decode(void)
{
	/* 2024-02-29 23:59:59 UTC = 1709251199, in every format. */
	EPOCH(regs(0x24, 0x02, 0x29, 0x23, 0x59, 0x59, 0x20, BCD_24H), 1709251199);
	EPOCH(regs(24, 2, 29, 23, 59, 59, 20, BIN_24H), 1709251199);
	EPOCH(regs(0x24, 0x02, 0x29, PM | 0x11, 0x59, 0x59, 0x20, BCD_12H), 1709251199);
	EPOCH(regs(24, 2, 29, PM | 11, 59, 59, 20, BIN_12H), 1709251199);

	/* 12-hour mode around midnight and noon on 2024-01-01 (1704067200). */
	EPOCH(regs(0x24, 0x01, 0x01, 0x12, 0x00, 0x00, 0x20, BCD_12H), 1704067200);	/* 12 AM */
	EPOCH(regs(0x24, 0x01, 0x01, 0x01, 0x00, 0x00, 0x20, BCD_12H), 1704067200 + 3600);
	EPOCH(regs(0x24, 0x01, 0x01, 0x11, 0x30, 0x00, 0x20, BCD_12H), 1704067200 + 41400);
	EPOCH(regs(0x24, 0x01, 0x01, PM | 0x12, 0x00, 0x00, 0x20, BCD_12H), 1704067200 + 43200);
	EPOCH(regs(0x24, 0x01, 0x01, PM | 0x01, 0x00, 0x00, 0x20, BCD_12H), 1704067200 + 46800);
	EPOCH(regs(24, 1, 1, 12, 0, 0, 20, BIN_12H), 1704067200);
	EPOCH(regs(24, 1, 1, PM | 12, 0, 0, 20, BIN_12H), 1704067200 + 43200);

	/* Epoch, century register and pivot, leap centuries, 2038. */
	EPOCH(regs(0x70, 0x01, 0x01, 0x00, 0x00, 0x00, 0x19, BCD_24H), 0);
	EPOCH(regs(0x70, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, BCD_24H), 0);	/* no century */
	EPOCH(regs(0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0x19, BCD_24H), 946684799);
	EPOCH(regs(0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 0xFF, BCD_24H), 946684799);
	EPOCH(regs(0x24, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, BCD_24H), 1704067200);
	EPOCH(regs(0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x20, BCD_24H), 951868800);
	EPOCH(regs(0x00, 0x02, 0x29, 0x00, 0x00, 0x00, 0x20, BCD_24H), 951782400);
	EPOCH(regs(0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x21, BCD_24H), 4107542400ll);
	EPOCH(regs(0x38, 0x01, 0x19, 0x03, 0x14, 0x08, 0x20, BCD_24H), 2147483648ll);
	EPOCH(regs(38, 1, 19, 3, 14, 7, 20, BIN_24H), 2147483647ll);
	EPOCH(regs(0x25, 0x12, 0x31, 0x12, 0x34, 0x56, 0x20, BCD_24H), 1767184496);

	INVALID(regs(0x24, 0x01, 0x01, 0x00, 0x00, 0x1A, 0x20, BCD_24H));	/* BCD digit A */
	INVALID(regs(0x2F, 0x01, 0x01, 0x00, 0x00, 0x00, 0x20, BCD_24H));
	INVALID(regs(0x24, 0x00, 0x01, 0x00, 0x00, 0x00, 0x20, BCD_24H));	/* month 0 */
	INVALID(regs(0x24, 0x13, 0x01, 0x00, 0x00, 0x00, 0x20, BCD_24H));	/* month 13 */
	INVALID(regs(24, 13, 1, 0, 0, 0, 20, BIN_24H));
	INVALID(regs(0x24, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, BCD_24H));	/* day 0 */
	INVALID(regs(0x24, 0x02, 0x30, 0x00, 0x00, 0x00, 0x20, BCD_24H));	/* February 30 */
	INVALID(regs(0x23, 0x02, 0x29, 0x00, 0x00, 0x00, 0x20, BCD_24H));	/* not a leap year */
	INVALID(regs(0x00, 0x02, 0x29, 0x00, 0x00, 0x00, 0x21, BCD_24H));	/* 2100 is not either */
	INVALID(regs(0x24, 0x04, 0x31, 0x00, 0x00, 0x00, 0x20, BCD_24H));	/* April 31 */
	INVALID(regs(0x24, 0x01, 0x01, 0x24, 0x00, 0x00, 0x20, BCD_24H));	/* hour 24 */
	INVALID(regs(0x24, 0x01, 0x01, PM | 0x01, 0x00, 0x00, 0x20, BCD_24H));	/* PM bit in 24 h */
	INVALID(regs(0x24, 0x01, 0x01, 0x00, 0x00, 0x00, 0x20, BCD_12H));	/* 12-hour 0 */
	INVALID(regs(0x24, 0x01, 0x01, 0x13, 0x00, 0x00, 0x20, BCD_12H));	/* 12-hour 13 */
	INVALID(regs(0x24, 0x01, 0x01, 0x00, 0x60, 0x00, 0x20, BCD_24H));	/* minute 60 */
	INVALID(regs(0x24, 0x01, 0x01, 0x00, 0x00, 0x60, 0x20, BCD_24H));	/* second 60 */
	INVALID(regs(0x69, 0x12, 0x31, 0x23, 0x59, 0x59, 0x19, BCD_24H));	/* 1969 */
	INVALID(regs(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));		/* no chip */
}

/* A simulated chip: its registers, UIP raised for the first uip_reads
 * reads of status A, and after tick_after register reads the time moves
 * to next (a second ticking over mid-read). */
typedef struct fake_chip {
	uint8_t reg[0x40];
	int uip_reads;
	int tick_after;			/* -1: never */
	rtc_regs_t next;
	bool unsettled;			/* seconds change on every read */
	int reads;
} fake_chip_t;

#define REG_STATUS_A 0x0A

static void fake_set(fake_chip_t *c, const rtc_regs_t *r)
{
	c->reg[0x00] = r->sec;
	c->reg[0x02] = r->min;
	c->reg[0x04] = r->hour;
	c->reg[0x07] = r->day;
	c->reg[0x08] = r->mon;
	c->reg[0x09] = r->year;
	c->reg[0x32] = r->century;
	c->reg[0x0B] = r->status_b;
}

static uint8_t fake_read(void *arg, uint8_t index)
{
	fake_chip_t *c = arg;
	c->reads++;
	if (c->tick_after >= 0 && c->reads == c->tick_after)
		fake_set(c, &c->next);
	if (c->unsettled)
		c->reg[0x00] = (uint8_t)(c->reads & 0x3F);
	if (index == REG_STATUS_A) {
		if (c->uip_reads > 0) {
			c->uip_reads--;
			return 0x80 | 0x26;
		}
		return 0x26;
	}
	return index < sizeof(c->reg) ? c->reg[index] : 0xFF;
}

static void fake_init(fake_chip_t *c, const rtc_regs_t *r)
{
	memset(c, 0, sizeof(*c));
	fake_set(c, r);
	c->tick_after = -1;
}

static void test_read_protocol(void)
{
	rtc_regs_t before = regs(0x24, 0x12, 0x31, 0x23, 0x59, 0x59, 0x20, BCD_24H);
	rtc_regs_t after = regs(0x25, 0x01, 0x01, 0x00, 0x00, 0x00, 0x20, BCD_24H);
	fake_chip_t chip;
	rtc_regs_t got;
	int64_t epoch = -1;

	/* UIP up for a while: waited out, then the time. */
	fake_init(&chip, &before);
	chip.uip_reads = 50;
	KT_EQ(rtc_read_regs_with(fake_read, &chip, &got), 0);
	KT_ASSERT(rtc_decode(&got, &epoch) == 0 && epoch == 1735689599,
		  "after UIP: %lld, expected 1735689599", (long long)epoch);
	KT_ASSERT(chip.reads > 50, "UIP not polled: %d reads", chip.reads);

	/* The year turns over after every register read position of the first
	 * pass: the answer is always all-before or all-after, never a mix. */
	for (int at = 1; at <= 20; at++) {
		fake_init(&chip, &before);
		chip.tick_after = at;
		chip.next = after;
		epoch = -1;
		int rc = rtc_read_regs_with(fake_read, &chip, &got);
		if (rc == 0)
			rc = rtc_decode(&got, &epoch);
		KT_ASSERT(rc == 0 && (epoch == 1735689599 || epoch == 1735689600),
			  "tick after read %d: rc %d, %lld (a mix of 2024-12-31 23:59:59 and "
			  "2025-01-01 00:00:00)", at, rc, (long long)epoch);
	}

	/* UIP never clears (as on a floating bus): -EIO, in bounded time. */
	fake_init(&chip, &before);
	chip.uip_reads = 0x7fffffff;
	KT_EQ(rtc_read_regs_with(fake_read, &chip, &got), -EIO);
	KT_ASSERT(chip.reads < 10000000, "%d reads before giving up", chip.reads);

	/* Values that never agree twice: -EIO. */
	fake_init(&chip, &before);
	chip.unsettled = true;
	KT_EQ(rtc_read_regs_with(fake_read, &chip, &got), -EIO);
}

static void test_real_chip(void)
{
	int64_t a = -1, b = -1;
	KT_EQ(rtc_read_epoch(&a), 0);
	KT_ASSERT(a >= EPOCH_2024 && a < EPOCH_2100, "the RTC reads %lld, not 2024..2100",
		  (long long)a);
	int64_t rt = clock_realtime_sec();
	KT_ASSERT(rt >= a - 2 && rt <= a + 2, "REALTIME %lld, the RTC %lld", (long long)rt,
		  (long long)a);

	const char *host = cmdline_get("rtc_host_epoch");
	unsigned long h = 0;
	if (host && kstrtoul(host, &h) == 0) {
		KT_ASSERT(a >= (int64_t)h - HOST_SLACK_BEFORE && a <= (int64_t)h + HOST_SLACK_AFTER,
			  "the RTC reads %lld, the host's clock read %lu when QEMU started",
			  (long long)a, h);
	} else {
		KT_ASSERT(!host, "rtc_host_epoch=%s is not a number", host);
		kprintf("ktest: no rtc_host_epoch=N on the command line: the RTC is not "
			"compared with the host's clock (tools/run-tests.sh passes it)\n");
	}

	pit_delay_ms(1100);
	KT_EQ(rtc_read_epoch(&b), 0);
	KT_ASSERT(b - a >= 1 && b - a <= 2, "the RTC went from %lld to %lld in 1.1 s",
		  (long long)a, (long long)b);
}

static void test_set_realtime(void)
{
	int64_t r0 = clock_realtime_ns(), m0 = clock_monotonic_ns();
	ktimespec_t t = { 2000000000ll, 123456789 };
	KT_EQ(clock_set_realtime(&t), 0);
	int64_t r1 = clock_realtime_ns(), m1 = clock_monotonic_ns();
	KT_ASSERT(r1 >= 2000000000123456789ll && r1 < 2000000001123456789ll,
		  "REALTIME %lld after setting 2000000000.123456789", (long long)r1);
	KT_ASSERT(m1 >= m0 && m1 - m0 < NSEC_PER_SEC, "MONOTONIC %lld -> %lld", (long long)m0,
		  (long long)m1);
	KT_ASSERT(vfs_time_now() == 2000000000u || vfs_time_now() == 2000000001u,
		  "vfs_time_now() %u", vfs_time_now());
	ktimespec_t ts;
	clock_realtime_ts(&ts);
	KT_ASSERT(ts.tv_sec == 2000000000 && ts.tv_nsec >= 123456789,
		  "clock_realtime_ts %lld.%09d", (long long)ts.tv_sec, ts.tv_nsec);

	ktimespec_t bad[] = { { -1, 0 }, { 0, -1 }, { 0, (int32_t)NSEC_PER_SEC },
			      { CLOCK_REALTIME_LIMIT_SEC, 0 } };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		KT_EQ(clock_set_realtime(&bad[i]), -EINVAL);
	KT_ASSERT(clock_realtime_sec() - 2000000000 < 2, "an invalid set changed the clock: %lld",
		  (long long)clock_realtime_sec());

	int64_t back = r0 + (clock_monotonic_ns() - m0);
	ktimespec_t restore = { back / NSEC_PER_SEC, (int32_t)(back % NSEC_PER_SEC) };
	KT_EQ(clock_set_realtime(&restore), 0);
}

static void rtc_suite(void)
{
	test_decode();
	test_read_protocol();
	test_real_chip();
	test_set_realtime();
}
KTEST_SUITE("rtc", rtc_suite);
