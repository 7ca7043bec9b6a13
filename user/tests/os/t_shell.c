/*
 * t_shell: the shell, run on scripts this test writes.  The shell is
 * $SHELL_BIN, default /bin/sh: M-OS's own sh there, dash or bash on a
 * Linux host.  The scripts use the basic POSIX sh features (compound
 * commands and the rest are t_shscripts') and only programs M-OS ships
 * (cat, echo, wc, ls, mkdir, rm, rmdir, ln, mv, cp, true, false), never
 * echo with a backslash.  Results are
 * checked by reading the files the scripts wrote: exact text, except wc's
 * counts, compared without whitespace (GNU wc and M-OS wc pad
 * differently).
 *
 *  - `sh main.sh ARGS`: $0, $#, $1..$3 (one with a space), exit status 7
 *    from `exit 7`, $$ is the shell's pid;
 *  - redirections > >> < 2> and 2>&1 on a ( subshell );
 *  - $? after true, false, ! false, pipelines (the last command's), and
 *    127 for a command that does not exist (its message on stderr);
 *  - && and || chains;
 *  - variables, ${X}, unset ones, single and double quotes, backslash,
 *    field splitting of unquoted expansions, "$@", $(command);
 *  - export: exported variables reach a child shell, others do not; a
 *    prefix assignment reaches the command only;
 *  - pipelines `cat f | cat | wc -l` and five stages, `wc -l < f`,
 *    `echo ... | wc -w`, 200000 bytes through `cat | cat | cat | wc -c`,
 *    with the counts checked;
 *  - a background job and `wait`, `wait $!` giving a job's status, $!;
 *  - globbing (sorted; a pattern matching nothing stays as it is);
 *  - cd and pwd; mkdir, cp, mv, ln -s, cat, ls, rm, rmdir from a script;
 *  - a nested `sh sub.sh "one two" three` and its exit status;
 *  - the exit status of a script that ends with false (1), one with a
 *    syntax error (2, stopped there), `sh -c 'exit 3'`, and a script read
 *    from standard input.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>

#include "utest.h"

static const char *sh_bin;
static char wd[PATH_MAX];

static const char main_sh[] =
	"# t_shell's main script: $1 is the shell, then two arguments\n"
	"SH=$1\n"
	"echo \"args=$#\" \"0=$0\" \"1=$1\" \"2=$2\" \"3=$3\" > args.out\n"
	"echo \"$$\" > pid.out\n"
	"\n"
	"# redirections\n"
	"echo hello > redir.out\n"
	"echo world >> redir.out\n"
	"cat < redir.out > in.out\n"
	"ls /nonexistent-t-shell > err-so.out 2> err-se.out || echo ls failed > err-st.out\n"
	"(echo sub-out; ls /nonexistent-t-shell) > both.out 2>&1\n"
	"(echo x; echo y) > semi.out\n"
	"\n"
	"# exit statuses\n"
	"true; echo \"true=$?\" > status.out\n"
	"false; echo \"false=$?\" >> status.out\n"
	"! false; echo \"notfalse=$?\" >> status.out\n"
	"! true; echo \"nottrue=$?\" >> status.out\n"
	"false | true; echo \"pipe-true=$?\" >> status.out\n"
	"true | false; echo \"pipe-false=$?\" >> status.out\n"
	"no-such-command-t-shell 2> nf-err.out; echo \"notfound=$?\" >> status.out\n"
	"\n"
	"# and-or lists\n"
	"true && echo and-true > andor.out\n"
	"false && echo and-false >> andor.out\n"
	"false || echo or-false >> andor.out\n"
	"true || echo or-true >> andor.out\n"
	"false || false || echo or-chain >> andor.out\n"
	"true && false || echo and-or >> andor.out\n"
	"true && true && echo and-chain >> andor.out\n"
	"\n"
	"# variables and quoting\n"
	"X=abc\n"
	"Y=\"two  words\"\n"
	"echo \"$X\" '$X' \"${X}def\" \"[$Y]\" [$Y] \"[$UNSET_T_SHELL]\" > vars.out\n"
	"echo 'single \"dq\" | ; & > <' \"double 'sq' | ; &\" a\\ b 'x  y' > quote.out\n"
	"\"$SH\" count.sh $Y\n"
	"\"$SH\" count.sh \"$Y\"\n"
	"\"$SH\" count.sh \"$@\"\n"
	"\"$SH\" count.sh\n"
	"export EXPORTED=yes\n"
	"NOTEXP=no\n"
	"\"$SH\" -c 'echo \"exported=[$EXPORTED] notexp=[$NOTEXP] prefix=[$PREFIX]\"' > env.out\n"
	"PREFIX=pre \"$SH\" -c 'echo \"prefix=[$PREFIX]\"' >> env.out\n"
	"echo \"after-prefix=[$PREFIX]\" >> env.out\n"
	"\n"
	"# pipelines and wc\n"
	"echo one > lines.txt\n"
	"echo two >> lines.txt\n"
	"echo three >> lines.txt\n"
	"echo four >> lines.txt\n"
	"echo five >> lines.txt\n"
	"cat lines.txt | cat | wc -l > wc-pipe.out\n"
	"cat lines.txt | cat | cat | cat | cat | wc -l > wc-pipe5.out\n"
	"wc -l < lines.txt > wc-in.out\n"
	"echo a b c d e f g | wc -w > wc-w.out\n"
	"cat big.txt | cat | cat | wc -c > wc-big-c.out\n"
	"cat < big.txt | wc -l > wc-big-l.out\n"
	"N=$(cat lines.txt | wc -l)\n"
	"echo \"n=$N\" \"$(echo inner)-x\" > subst.out\n"
	"\n"
	"# background jobs\n"
	"(echo bg-job > bg.out) &\n"
	"wait\n"
	"cat bg.out > bg-after.out\n"
	"(exit 7) &\n"
	"echo \"$!\" > bgpid.out\n"
	"wait $!\n"
	"echo \"bgstatus=$?\" > bgstatus.out\n"
	"\n"
	"# globbing\n"
	"echo > gb.txt\n"
	"echo > ga.txt\n"
	"echo > gab.txt\n"
	"echo g*.txt g?.txt nomatch-t-shell* > glob.out\n"
	"rm ga.txt gb.txt gab.txt\n"
	"\n"
	"# directories and files\n"
	"mkdir cw\n"
	"cd cw\n"
	"pwd > ../pwd.out\n"
	"cd ..\n"
	"rmdir cw\n"
	"mkdir d\n"
	"echo content > d/apple\n"
	"cp d/apple d/banana\n"
	"mv d/banana d/cherry\n"
	"ln -s apple d/link\n"
	"cat d/cherry d/link > files.out\n"
	"ls d > ls.out\n"
	"rm d/apple d/cherry d/link\n"
	"rmdir d\n"
	"\n"
	"# a nested script\n"
	"\"$SH\" sub.sh \"one two\" three\n"
	"echo \"sub=$?\" > sub-status.out\n"
	"exit 7\n"
	"echo not-reached > reached.out\n";

static const char count_sh[] = "echo \"$#:$2\" >> counts.out\n";

static const char sub_sh[] = "echo \"$#:$1:$2\" > sub.out\nexit 5\n";

static const char lastfalse_sh[] = "true\nfalse\n";

static const char syntax_sh[] = "echo before > syn.out\n)\necho after >> syn.out\n";

static const char stdin_sh[] = "echo from-stdin > stdin.out\nexit 4\n";

static void put(const char *name, const char *text)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t n = strlen(text);
	UT_CHECK(fd >= 0 && write(fd, text, n) == (ssize_t)n, "write %s", name);
	close(fd);
}

/* The file's text (static buffer), or "<missing>". */
static const char *get(const char *name)
{
	static char buf[4096];
	int fd = open(name, O_RDONLY);
	if (fd < 0)
		return "<missing>";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

#define EXPECT_FILE(name, want) do { \
	const char *got_ = get(name); \
	UT_CHECK(strcmp(got_, want) == 0, "%s: \"%s\", expected \"%s\"", name, got_, want); \
} while (0)

/* Without any whitespace. */
static const char *squash(const char *s)
{
	static char buf[4096];
	size_t n = 0;
	for (; *s && n < sizeof(buf) - 1; s++)
		if (!isspace((unsigned char)*s))
			buf[n++] = *s;
	buf[n] = 0;
	return buf;
}

/* The file's text equals want, whitespace ignored (wc output). */
#define EXPECT_SQUASHED(name, want) do { \
	const char *raw_ = get(name); \
	char got_[256]; \
	snprintf(got_, sizeof(got_), "%s", squash(raw_)); \
	UT_CHECK(strcmp(got_, want) == 0, "%s: \"%s\" (raw \"%s\"), expected \"%s\"", name, got_, \
		 raw_, want); \
} while (0)

/* Runs the shell with args (NULL-terminated), stdin from in_file or
 * /dev/null, output to sh.stdout / sh.stderr; returns the wait status
 * (-1 if it did not finish in 60 s), *pid_out its pid. */
static int run_sh(const char *in_file, pid_t *pid_out, const char *a1, const char *a2,
		  const char *a3, const char *a4, const char *a5)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open(in_file ? in_file : "/dev/null", O_RDONLY);
		int out = open("sh.stdout", O_WRONLY | O_CREAT | O_APPEND, 0644);
		int err = open("sh.stderr", O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(err, 2) < 0)
			_exit(120);
		close(in);
		close(out);
		close(err);
		execl(sh_bin, sh_bin, a1, a2, a3, a4, a5, (char *)NULL);
		_exit(121);
	}
	if (pid_out)
		*pid_out = pid;
	int st = 0;
	if (ut_wait(pid, &st, 60000) < 0)
		return -1;
	return st;
}

static void show_stderr(void)
{
	const char *e = get("sh.stderr");
	if (strcmp(e, "<missing>") != 0 && *e)
		UT_NOTE("the shell's stderr so far:\n%s", e);
}

static void test_main_script(void)
{
	put("main.sh", main_sh);
	put("count.sh", count_sh);
	put("sub.sh", sub_sh);
	/* 200000 bytes: many times a pipe's capacity. */
	static char big[200001];
	for (int i = 0; i < 5000; i++)
		snprintf(big + i * 40, 41, "line %05d of the big file for pipes...\n", i);
	put("big.txt", big);
	pid_t pid = 0;
	long long t0 = ut_now_ms();
	int st = run_sh(NULL, &pid, "main.sh", sh_bin, "arg two", "three", NULL);
	UT_NOTE("main.sh ran in %lld ms", ut_now_ms() - t0);
	UT_CHECK_EXITED(st, 7, "sh main.sh (ends with exit 7)");

	char want[PATH_MAX + 256];
	snprintf(want, sizeof(want), "args=3 0=main.sh 1=%s 2=arg two 3=three\n", sh_bin);
	EXPECT_FILE("args.out", want);
	snprintf(want, sizeof(want), "%d\n", (int)pid);
	EXPECT_FILE("pid.out", want);

	EXPECT_FILE("redir.out", "hello\nworld\n");
	EXPECT_FILE("in.out", "hello\nworld\n");
	EXPECT_FILE("err-so.out", "");
	const char *se = get("err-se.out");
	UT_CHECK(strcmp(se, "<missing>") != 0 && strlen(se) > 0 && strchr(se, '\n'),
		 "2> captured ls's error message: \"%s\"", se);
	EXPECT_FILE("err-st.out", "ls failed\n");
	const char *both = get("both.out");
	UT_CHECK(strncmp(both, "sub-out\n", 8) == 0 && strlen(both) > 9,
		 "( ) > f 2>&1 has stdout then stderr: \"%s\"", both);
	EXPECT_FILE("semi.out", "x\ny\n");

	EXPECT_FILE("status.out", "true=0\nfalse=1\nnotfalse=0\nnottrue=1\npipe-true=0\n"
		    "pipe-false=1\nnotfound=127\n");
	const char *nf = get("nf-err.out");
	UT_CHECK(strcmp(nf, "<missing>") != 0 && strlen(nf) > 0,
		 "command not found: a message on stderr: \"%s\"", nf);
	EXPECT_FILE("andor.out", "and-true\nor-false\nor-chain\nand-or\nand-chain\n");

	EXPECT_FILE("vars.out", "abc $X abcdef [two  words] [two words] []\n");
	EXPECT_FILE("quote.out", "single \"dq\" | ; & > < double 'sq' | ; & a b x  y\n");
	snprintf(want, sizeof(want), "2:words\n1:\n3:arg two\n0:\n");
	EXPECT_FILE("counts.out", want);
	EXPECT_FILE("env.out",
		    "exported=[yes] notexp=[] prefix=[]\nprefix=[pre]\nafter-prefix=[]\n");

	EXPECT_SQUASHED("wc-pipe.out", "5");
	EXPECT_SQUASHED("wc-pipe5.out", "5");
	EXPECT_SQUASHED("wc-in.out", "5");
	EXPECT_SQUASHED("wc-w.out", "7");
	EXPECT_SQUASHED("wc-big-c.out", "200000");
	EXPECT_SQUASHED("wc-big-l.out", "5000");
	EXPECT_SQUASHED("subst.out", "n=5inner-x");
	const char *subst = get("subst.out");
	size_t sl = strlen(subst);
	UT_CHECK(sl > 8 && strcmp(subst + sl - 9, " inner-x\n") == 0,
		 "$(echo inner) loses its newline: \"%s\"", subst);

	EXPECT_FILE("bg-after.out", "bg-job\n");
	EXPECT_FILE("bgstatus.out", "bgstatus=7\n");
	long bgpid = atol(get("bgpid.out"));
	UT_CHECK(bgpid > 0 && bgpid != pid, "$! is %ld (the shell is %d)", bgpid, (int)pid);

	EXPECT_FILE("glob.out", "ga.txt gab.txt gb.txt ga.txt gb.txt nomatch-t-shell*\n");

	snprintf(want, sizeof(want), "%s/cw\n", wd);
	EXPECT_FILE("pwd.out", want);
	EXPECT_FILE("files.out", "content\ncontent\n");
	EXPECT_FILE("ls.out", "apple\ncherry\nlink\n");
	UT_CHECK(access("d", F_OK) < 0 && access("cw", F_OK) < 0, "the script removed d and cw");

	EXPECT_FILE("sub.out", "2:one two:three\n");
	EXPECT_FILE("sub-status.out", "sub=5\n");
	UT_CHECK(access("reached.out", F_OK) < 0, "a command after exit ran");
}

static void test_statuses(void)
{
	put("lastfalse.sh", lastfalse_sh);
	int st = run_sh(NULL, NULL, "lastfalse.sh", NULL, NULL, NULL, NULL);
	UT_CHECK_EXITED(st, 1, "a script ending with false");

	put("syntax.sh", syntax_sh);
	st = run_sh(NULL, NULL, "syntax.sh", NULL, NULL, NULL, NULL);
	UT_CHECK_EXITED(st, 2, "a script with a syntax error");
	EXPECT_FILE("syn.out", "before\n");

	st = run_sh(NULL, NULL, "-c", "exit 3", NULL, NULL, NULL);
	UT_CHECK_EXITED(st, 3, "sh -c 'exit 3'");
	st = run_sh(NULL, NULL, "-c", "echo \"$0:$1\" > c.out", "name", "first", NULL);
	UT_CHECK_EXITED(st, 0, "sh -c CMD NAME ARG");
	EXPECT_FILE("c.out", "name:first\n");

	put("stdin.sh", stdin_sh);
	st = run_sh("stdin.sh", NULL, NULL, NULL, NULL, NULL, NULL);
	UT_CHECK_EXITED(st, 4, "sh < script");
	EXPECT_FILE("stdin.out", "from-stdin\n");

	st = run_sh(NULL, NULL, "no-such-script-t-shell.sh", NULL, NULL, NULL, NULL);
	UT_CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0,
		 "a missing script: %s", ut_status_str(st));
}

static void remove_all(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int failed = 0;
	while (dp && (e = readdir(dp)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[PATH_MAX + 256];
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) < 0) {
			UT_NOTE("cannot remove %s: %s", p, strerror(errno));
			failed++;
		}
	}
	if (dp)
		closedir(dp);
	UT_CHECK(dp && failed == 0 && rmdir(dir) == 0, "remove the scratch directory: %s",
		 strerror(errno));
}

int main(void)
{
	sh_bin = getenv("SHELL_BIN");
	if (!sh_bin || !*sh_bin)
		sh_bin = "/bin/sh";
	UT_NOTE("shell: %s", sh_bin);
	const char *dir = ut_scratch_dir("t_shell");
	char start[PATH_MAX];
	if (!getcwd(start, sizeof(start)))
		strcpy(start, "/");
	if (!UT_CHECK(chdir(dir) == 0 && getcwd(wd, sizeof(wd)), "chdir %s", dir))
		return ut_done("t_shell");
	if (!UT_CHECK(access(sh_bin, X_OK) == 0, "%s: %s", sh_bin, strerror(errno)))
		return ut_done("t_shell");
	test_main_script();
	test_statuses();
	if (ut_failed)
		show_stderr();
	UT_CHECK(chdir(start) == 0, "chdir back");
	remove_all(wd);
	return ut_done("t_shell");
}
