/* Suite "printf": the formatter behind kprintf and snprintf -- every
 * conversion, flags, widths, sizes, and truncation that never writes past
 * the buffer. */
#include "test/ktest.h"
#include "util/printf.h"
#include "util/string.h"

#define CHECK_FMT(expected, ...) do { \
	char buf_[128]; \
	int n_ = snprintf(buf_, sizeof(buf_), __VA_ARGS__); \
	KT_ASSERT(strcmp(buf_, (expected)) == 0 && n_ == (int)strlen(expected), \
		  "format %s: got \"%s\" (%d), expected \"%s\"", #__VA_ARGS__, \
		  buf_, n_, (expected)); \
} while (0)

static void test_integers(void)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-42", "%d", -42);
	CHECK_FMT("2147483647", "%i", 2147483647);
	CHECK_FMT("-2147483648", "%d", (int)0x80000000);
	CHECK_FMT("4294967295", "%u", 4294967295u);
	CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
	CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FMT("0x1f", "%#x", 0x1fu);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)0x8000000000000000ull);
	CHECK_FMT("18446744073709551615", "%llu", 18446744073709551615ull);
	CHECK_FMT("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	CHECK_FMT("-7", "%ld", -7L);
	CHECK_FMT("4000000000", "%lu", 4000000000UL);
	CHECK_FMT("+5", "%+d", 5);
	CHECK_FMT(" 5", "% d", 5);
}

static void test_widths(void)
{
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("00042", "%05d", 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("0x000000ff", "%#010x", 0xffu);
	CHECK_FMT("  abc", "%5s", "abc");
	CHECK_FMT("abc  |", "%-5s|", "abc");
	CHECK_FMT("ab", "%.2s", "abcdef");
	CHECK_FMT("    7", "%*d", 5, 7);
	CHECK_FMT("7    |", "%*d|", -5, 7);
	CHECK_FMT("123456", "%3d", 123456);
	CHECK_FMT("    x", "%5c", 'x');
}

static void test_other_conversions(void)
{
	CHECK_FMT("0xc0100000", "%p", (void *)0xc0100000);
	CHECK_FMT("a%b", "a%%b");
	CHECK_FMT("c=Z", "c=%c", 'Z');
	const char *volatile null_string = NULL;	/* hidden from -Wformat */
	CHECK_FMT("(null)", "%s", null_string);
	CHECK_FMT("x=1 y=two z=0x3", "x=%d y=%s z=%#x", 1, "two", 3u);
	CHECK_FMT("", "%s", "");
}

static void test_truncation(void)
{
	char buf[16];
	memset(buf, '#', sizeof(buf));
	int n = snprintf(buf, 5, "%s", "hello world");
	KT_EQ(n, 11);
	KT_ASSERT(strcmp(buf, "hell") == 0, "truncated to \"%s\", expected \"hell\"", buf);
	KT_ASSERT(buf[5] == '#' && buf[15] == '#', "snprintf wrote past its size");

	memset(buf, '#', sizeof(buf));
	n = snprintf(buf, 0, "%d", 12345);
	KT_EQ(n, 5);
	KT_ASSERT(buf[0] == '#', "snprintf with size 0 wrote a byte");

	n = snprintf(buf, 1, "%d", 12345);
	KT_EQ(n, 5);
	KT_EQ(buf[0], '\0');
	KT_ASSERT(buf[1] == '#', "snprintf with size 1 wrote past the NUL");

	memset(buf, '#', sizeof(buf));
	n = snprintf(buf, 8, "%08x%08x", 0x12345678u, 0x9abcdef0u);
	KT_EQ(n, 16);
	KT_ASSERT(strcmp(buf, "1234567") == 0, "got \"%s\"", buf);
	KT_ASSERT(buf[8] == '#', "wrote past the buffer");

	/* Exactly fitting output keeps its last character. */
	n = snprintf(buf, 4, "abc");
	KT_EQ(n, 3);
	KT_ASSERT(strcmp(buf, "abc") == 0, "got \"%s\"", buf);
}

static void printf_suite(void)
{
	test_integers();
	test_widths();
	test_other_conversions();
	test_truncation();
}
KTEST_SUITE("printf", printf_suite);
