/* Suite "kshell": command lookup, argument splitting with quotes, the
 * status of unknown commands, and the line editor driven with injected
 * input (erase, kill line, ^D). */
#include "test/ktest.h"
#include "test/kshell.h"
#include "drivers/console.h"
#include "util/string.h"

static int last_argc;
static char last_args[4][32];

static int cmd_record(int argc, char **argv)
{
	last_argc = argc;
	for (int i = 0; i < argc && i < 4; i++)
		strlcpy(last_args[i], argv[i], sizeof(last_args[i]));
	return 7;
}
KSHELL_COMMAND("ktest-record", "(test) records its arguments", cmd_record);

static void kshell_suite(void)
{
	KT_EQ(kshell_execute("ktest-record a  \"b c\"\td"), 7);
	KT_EQ(last_argc, 4);
	KT_ASSERT(strcmp(last_args[1], "a") == 0 && strcmp(last_args[2], "b c") == 0 &&
		  strcmp(last_args[3], "d") == 0, "args: %s|%s|%s", last_args[1],
		  last_args[2], last_args[3]);
	KT_EQ(kshell_execute("no-such-command"), -1);
	KT_EQ(kshell_execute("   "), 0);
	KT_EQ(kshell_execute("echo hello"), 0);

	char line[KSHELL_LINE_MAX];
	const char typed[] = "abc\bd\x7f" "e\n" "junk\x15ok\n" "\x04";
	KT_EQ(console_inject(typed, sizeof(typed) - 1), sizeof(typed) - 1);
	KT_EQ(kshell_read_line(line, sizeof(line)), 3);
	KT_ASSERT(strcmp(line, "abe") == 0, "erase: got \"%s\"", line);
	KT_EQ(kshell_read_line(line, sizeof(line)), 2);
	KT_ASSERT(strcmp(line, "ok") == 0, "kill line: got \"%s\"", line);
	KT_EQ(kshell_read_line(line, sizeof(line)), -1);	/* ^D on an empty line */
}
KTEST_SUITE("kshell", kshell_suite);
