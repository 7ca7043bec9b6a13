#!/bin/bash
# Host tests for the M-OS userland (user/).  The programs are ordinary
# static i386 binaries, so they run here on Linux exactly as on M-OS: this
# builds them, runs each one in a scratch directory and compares what it
# prints with what it should.  One line per check, "ok - ..." or
# "FAIL - ..." (with the difference indented below); the last line is
# "N passed, N failed"; the exit status is non-zero if anything failed.
# Needs no standard input; takes a few seconds.
#
# A host that cannot execute i386 programs runs them through qemu-i386
# (tools/i386-exec.sh says which way; MOS_I386_RUNNER=qemu forces it):
# BIN and SBIN are then directories of scripts that start each program
# through qemu-i386, and the programs start each other through it too
# (user/include/mos/exec.h), which the checks at the end prove.
#
#   bash user/tests/host/run.sh

set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
REAL_BIN=$ROOT/build/user/bin
REAL_SBIN=$ROOT/build/user/sbin
LIMIT=20			# seconds any one program may take
pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "ok - $1"
}

bad() {
	fail=$((fail + 1))
	echo "FAIL - $1"
	if [ -n "${2-}" ]; then
		printf '%s\n' "$2" | sed 's/^/    /'
	fi
}

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		bad "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") |
			sed -e 's/^</expected:/' -e 's/^>/got:     /' | grep -v '^[0-9]')"
	fi
}

# check_status NAME EXPECTED_STATUS COMMAND...
check_status() {
	local name=$1 want=$2 got
	shift 2
	timeout $LIMIT "$@" >/dev/null 2>&1 </dev/null
	got=$?
	check "$name (exit status)" "$want" "$got"
}

# run COMMAND...: its standard output and error, together.
run() {
	timeout $LIMIT "$@" 2>&1 </dev/null
}

# sh_script NAME EXPECTED < script: run it with our sh, compare its output.
sh_script() {
	local name=$1 want=$2
	cat > script.sh
	check "$name" "$want" "$(run "$BIN/sh" script.sh)"
}

if ! make --no-print-directory -s -C "$ROOT" -f user/Makefile.user user >build.log 2>&1; then
	cat build.log
	bad "build the userland"
	echo "$pass passed, $fail failed"
	exit 1
fi
rm -f build.log
ok "build the userland"

source "$ROOT/tools/i386-exec.sh"
i386_init
SCRATCH=$(mktemp -d)
WRAPPERS=$(mktemp -d)
trap 'rm -rf "$SCRATCH" "$WRAPPERS"' EXIT
BIN=$(i386_bin_dir "$REAL_BIN" "$WRAPPERS")
SBIN=$(i386_bin_dir "$REAL_SBIN" "$WRAPPERS")
cd "$SCRATCH" || exit 1
umask 022
# Our programs first; the host's tools (grep, sed, diff, stat...) after,
# to check results with.  Each program must exist, so none of the host's
# stands in for one of ours.
HOST_PATH=$PATH
export PATH=$BIN:$SBIN:$HOST_PATH
missing=""
for prog in sh cat chmod cp dmesg echo env false halt hd kill ln ls mkdir mv ps pwd \
	readlink rm rmdir sleep stat touch true uname wc; do
	[ -x "$REAL_BIN/$prog" ] && [ -x "$BIN/$prog" ] || missing="$missing $prog"
done
[ -x "$REAL_SBIN/init" ] && [ -x "$SBIN/init" ] || missing="$missing init"
check "every program was built" "" "$missing"
export HOME=$SCRATCH
unset CDPATH ENV

# ---- sh --------------------------------------------------------------------

sh_script "sh: words, quoting and variables" "$(cat <<'EOF'
hello world
single $HOME 'quoted'
double x y
back slash and $dollar
x is 42 and 42y
a b
a  b
[]
EOF
)" <<'EOF'
# a comment line
echo hello   world   # and a trailing one
echo 'single $HOME' "'quoted'"
V=y; echo "double x $V"
echo back\ slash and \$dollar
X=42; echo "x is $X and ${X}y"
S="a  b"; echo $S
echo "$S"
echo "[$UNSET_VARIABLE]"
EOF

sh_script "sh: pipelines and exit status" "$(cat <<'EOF'
      3
one two three
status 0
status 1
status 0
EOF
)" <<'EOF'
echo one two three | wc -w
echo one two three | cat | cat | cat
true | false | true; echo "status $?"
true | false; echo "status $?"
! false; echo "status $?"
EOF

sh_script "sh: redirections" "$(cat <<'EOF'
first
second
first
second
third
      3
err-line
out-line
both
ls: /nonexistent: No such file or directory
EOF
)" <<'EOF'
echo first > out.txt
echo second >> out.txt
cat out.txt
cat < out.txt > copy.txt
echo third >> copy.txt
cat copy.txt
wc -l < copy.txt
ls /nonexistent 2> err.txt; echo err-line; echo out-line 2>/dev/null
echo both > both.txt 2>&1; cat both.txt
cat err.txt
EOF

sh_script "sh: \$? and && ||" "$(cat <<'EOF'
1
0
or ran
and ran
skipped ok
EOF
)" <<'EOF'
false; echo $?
true; echo $?
false || echo "or ran"
true && echo "and ran"
false && echo "must not run"; true || echo "must not run"; echo "skipped ok"
EOF

sh_script "sh: cd, pwd, subshells" "$(cat <<EOF
$SCRATCH/sub
$SCRATCH/sub
/
$SCRATCH/sub
$SCRATCH
cd status 1
EOF
)" <<'EOF'
mkdir sub
cd sub; pwd
echo $PWD
(cd /; pwd)
pwd
cd ..; pwd
cd /nonexistent 2>/dev/null; echo "cd status $?"
EOF

sh_script "sh: command not found" "$(cat <<'EOF'
sh: no_such_command: command not found
127
sh: ./missing: No such file or directory
127
EOF
)" <<'EOF'
no_such_command arg 2>&1
echo $?
./missing 2>&1
echo $?
EOF

sh_script "sh: background jobs and wait" "$(cat <<'EOF'
started
early
late
waited 0
job status 5
EOF
)" <<'EOF'
(sleep 0.3; echo late) &
echo started
echo early
wait
echo "waited $?"
(exit 5) &
wait $!
echo "job status $?"
EOF

sh_script "sh: \$(...), \$#, \$@, globbing, exported variables" "$(cat <<'EOF'
sub nested
3 [a] [b c] [d]
g1.gl g2.gl
*.none
*.gl
FROM_SH=yes
ONCE=1
[]
EOF
)" <<'EOF'
echo $(echo sub $(echo nested))
touch g1.gl g2.gl
sh -c 'echo $# "[$1]" "[$2]" "[$3]"' zero a "b c" d
echo *.gl
echo *.none
echo '*.gl'
export FROM_SH=yes; env | grep FROM_SH
ONCE=1 env | grep ONCE
echo "[$ONCE]"
EOF

sh_script "sh: line continuation and multi-line quotes" "$(cat <<'EOF'
ab
multi
line
piped
EOF
)" <<'EOF'
echo a\
b
echo "multi
line"
echo piped |
cat
EOF

echo 'exit 7' > seven.sh
check_status "sh: script exit status" 7 "$BIN/sh" seven.sh
check "sh -c with arguments" "name a b" "$(run "$BIN/sh" -c 'echo $0 $1 $2' name a b)"
check_status "sh -c exit status" 3 "$BIN/sh" -c 'exit 3'
check_status "sh: syntax error status" 2 "$BIN/sh" -c 'echo ( x'
check "sh: syntax error message" "sh: syntax error near '|'" "$(run "$BIN/sh" -c '| x')"
check "sh: commands from a pipe" "piped in" "$(echo 'echo piped in' | timeout $LIMIT "$BIN/sh" 2>&1)"
printf 'echo run as script $1\n' > noshebang
chmod 755 noshebang
check "sh: a script without #! runs in sh" "run as script x" "$(run "$BIN/sh" -c './noshebang x')"

# The terminal side (prompt, ^C, job reports) needs a pseudo-terminal.
PYTHON=$(PATH=$HOST_PATH command -v python3 || true)
if [ -n "$PYTHON" ]; then
	out=$(PATH=$HOST_PATH timeout $LIMIT "$PYTHON" "$ROOT/user/tests/host/pty_sh.py" "$BIN/sh" "$SCRATCH" 2>&1)
	check "sh on a terminal: prompt, ^C, background job report, ^Z, jobs, bg, fg" "$(cat <<EOF
prompt: $SCRATCH \$ 
interrupted: status 130
background: [N] PID
done: [PID] Done         sleep 0.2
^Z: [1]+ Stopped      sleep 5
jobs: [1]+ Stopped      sleep 5
bg: [1] sleep 5 &
jobs: [1]+ Running      sleep 5
fg then ^C: status 130
continuation: > 
exit: 4
EOF
)" "$out"
else
	ok "sh on a terminal # SKIP no python3 for the pseudo-terminal"
fi

# ---- utilities -----------------------------------------------------------

check "echo" "a b  c" "$(run echo a b "" c)"
check "echo -n" "[x]" "[$(run echo -n x)]"
check_status "true" 0 true
check_status "false" 1 false
check "pwd" "$SCRATCH" "$(run pwd)"

printf 'hello world\nfoo\n' > f1
printf 'x\n' > f2
check "cat files in order" "$(printf 'hello world\nfoo\nx')" "$(run cat f1 f2)"
check "cat from standard input" "piped" "$(echo piped | cat)"
check "cat missing file" "cat: nope: No such file or directory" "$(run cat nope)"

check "wc" "      2       3      16 f1" "$(run wc f1)"
check "wc -l -w -c" "      2       3      16 f1
      1       1       2 f2
      3       4      18 total" "$(run wc -l -w -c f1 f2)"
check "wc -l from standard input" "      2" "$(cat f1 | wc -l)"
check "wc -c" "     16 f1" "$(run wc -c f1)"

mkdir -p lsdir/sub
printf '12345' > lsdir/file
printf 'xx' > lsdir/.hidden
ln -s file lsdir/link
check "ls (sorted, hides dot files)" "file
link
sub" "$(run ls lsdir)"
check "ls -a" ".
..
.hidden
file
link
sub" "$(run ls -a lsdir)"
expect_l=$(cd lsdir && for f in file link sub; do
	PATH=$HOST_PATH stat -c '%A %h %s %n' "$f"; done | sed 's/^\(l.*\)$/\1 -> file/')
check "ls -l fields (mode, links, size, name, link target)" "$expect_l" \
	"$(run ls -l lsdir | tr -s ' ')"
check "ls -l one file" "-rw-r--r-- 1 5 lsdir/file" "$(run ls -l lsdir/file)"
check "ls -d" "lsdir" "$(run ls -d lsdir)"
check "ls missing" "ls: nope: No such file or directory" "$(run ls nope)"

run mkdir -p deep/a/b/c
check "mkdir -p" "c" "$(run ls deep/a/b)"
check_status "mkdir -p on existing tree" 0 mkdir -p deep/a
check_status "mkdir existing" 1 mkdir deep
run mkdir single
check_status "rmdir non-empty" 1 rmdir deep
check_status "rmdir" 0 rmdir single
check "rmdir removed it" "" "$(run ls -d single 2>/dev/null | grep -v 'No such')"

check_status "rm directory without -r" 1 rm deep
check_status "rm -r" 0 rm -r deep
check "rm -r removed the tree" "ls: deep: No such file or directory" "$(run ls deep)"
check_status "rm -f missing file" 0 rm -f nothing-here
check_status "rm missing file" 1 rm nothing-here
printf 'x' > gone
run rm gone
check "rm file" "ls: gone: No such file or directory" "$(run ls gone)"

printf 'move me\n' > m1
run mv m1 m2
check "mv rename" "move me
ls: m1: No such file or directory" "$(run cat m2; run ls m1)"
mkdir mvdir
run mv m2 mvdir
check "mv into a directory" "move me" "$(run cat mvdir/m2)"

run cp f1 f1.copy
check "cp file" "$(cat f1)" "$(run cat f1.copy)"
check "cp keeps permission bits" "-rwxr-xr-x" "$(run cp noshebang nb.copy; run ls -l nb.copy | cut -d' ' -f1)"
check_status "cp directory without -r" 1 cp lsdir lsdir.copy
run cp -r lsdir lsdir.copy
check "cp -r copies the tree (links as links)" "$(run ls -l lsdir | tr -s ' ')" \
	"$(run ls -l lsdir.copy | tr -s ' ')"
check "cp -r copies hidden files" "xx" "$(run cat lsdir.copy/.hidden)"
run cp f1 f2 mvdir
check "cp into a directory" "f1
f2
m2" "$(run ls mvdir)"

run ln -s f1 sym
check "ln -s + readlink" "f1" "$(run readlink sym)"
check "ln -s link reads through" "$(cat f1)" "$(run cat sym)"
run ln f1 hard
check "ln (hard link count)" "2" "$(run ls -l hard | tr -s ' ' | cut -d' ' -f2)"
check_status "ln onto existing name" 1 ln f1 hard
check_status "ln -f replaces it" 0 ln -sf f2 hard
check "ln -f result" "f2" "$(run readlink hard)"
check "readlink of a non-link" "readlink: f1: Invalid argument" "$(run readlink f1)"

run touch newfile
check "touch creates an empty file" "0" "$(PATH=$HOST_PATH stat -c %s newfile)"
check "chmod octal and symbolic" "-rw------- -rwx--x--x" \
	"$(run chmod 600 newfile; run ls -l newfile | cut -d' ' -f1) $(run chmod u+x,go=x newfile; run ls -l newfile | cut -d' ' -f1)"

dev=$(PATH=$HOST_PATH stat -c %d f1)
check "stat regular file" "$(PATH=$HOST_PATH stat -c '  File: %n
  Size: %s  Blocks: %b  IO Block: %o  regular file
Device: '$(( (dev >> 8) & 0xfff )),$(( (dev & 0xff) | ((dev >> 12) & 0xfff00) ))'  Inode: %i  Links: %h
Access: (0%a/%A)  Uid: %u  Gid: %g
Access time: %X
Modify time: %Y
Change time: %Z' f1)" "$(run stat f1)"
check "stat symbolic link" "  File: sym -> f1
  Size: 2  Blocks: 0  IO Block: 4096  symbolic link" "$(run stat sym | sed -n 1,2p)"
check "stat -L follows links" "regular file" "$(run stat -L sym | sed -n 2p | grep -o 'regular file')"
check "stat directory type" "directory" "$(run stat lsdir | sed -n 2p | grep -o directory)"

check "hd" "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a 66 6f 6f 0a  |hello world.foo.|
00000010" "$(run hd f1)"
head -c 100 /dev/zero > zeros
printf 'abc' >> zeros
check "hd squeezes repeated lines" "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000060  00 00 00 00 61 62 63                              |....abc|
00000067" "$(run hd zeros)"
check "hd of empty input" "" "$(run hd < /dev/null)"
HEXDUMP=$(PATH=$HOST_PATH command -v hexdump || true)
if [ -n "$HEXDUMP" ]; then
	head -c 2000 "$REAL_BIN/ls" > bin.part
	cat bin.part zeros bin.part > mixed
	check "hd matches hexdump -C" "$("$HEXDUMP" -C mixed)" "$(run hd mixed)"
fi

check "uname" "$(PATH=$HOST_PATH uname -s)" "$(run uname)"
# qemu-i386 reports the machine it emulates, not the host's.
if [ "$I386_EMULATED" = 1 ]; then
	machine=i686
else
	machine=$(PATH=$HOST_PATH uname -m)
fi
check "uname -a" "$(PATH=$HOST_PATH uname -s -n -r -v) $machine" "$(run uname -a)"
check "ps reads /proc: the header" "  PID  PPID  PGID S THREADS   TIME NAME" "$(run ps | head -n 1)"
check "ps reads /proc: pid 1 is listed" "listed" "$(run ps | awk '$1 == 1 { print "listed" }')"
check_status "ps status" 0 ps
# The host's log may be closed to us (dmesg_restrict): then the reason.
if run dmesg >/dev/null; then
	dmesg_out=ok
else
	dmesg_out=$(run dmesg | tail -n 1)
	[[ $dmesg_out == *"cannot read the kernel log"* ]] && dmesg_out=ok
fi
check "dmesg prints the log or says why not" "ok" "$dmesg_out"

check "sleep 0.1" "0" "$(run sleep 0.1; echo $?)"
check_status "sleep with a bad argument" 1 sleep abc
check "kill -l names" " 9 KILL" "$(run kill -l | grep KILL)"
check "kill -TERM a job" "143" "$(run "$BIN/sh" -c 'sleep 10 & kill -TERM $!; wait $!; echo $?')"
check "kill -9 a job" "137" "$(run "$BIN/sh" -c 'sleep 10 & kill -9 $!; wait $!; echo $?')"
check "kill -s HUP a job" "129" "$(run "$BIN/sh" -c 'sleep 10 & kill -s HUP $!; wait $!; echo $?')"
check_status "kill unknown signal" 1 kill -NOPE 1

check "env prints the environment" "HOME=$SCRATCH" "$(run env | grep '^HOME=')"
check "env NAME=VALUE COMMAND" "V=1" "$(run env V=1 env | grep '^V=')"
check "env -i" "ONLY=1" "$(run env -i ONLY=1 env)"

# ---- init (run-once mode; normal mode needs to be process 1) -------------

check "init -t reports the status" "init: sh exited with status 3" \
	"$(run "$SBIN/init" -t sh -c 'exit 3')"
check_status "init -t exits with it when not process 1" 3 "$SBIN/init" -t sh -c 'exit 3'
check "init -t passes the console through" "hi
init: echo exited with status 0" "$(run "$SBIN/init" -t echo hi)"
check "init -t missing program" "init: /nonexistent: No such file or directory
init: /nonexistent exited with status 127" "$(run "$SBIN/init" -t /nonexistent)"
check "init -t killed program" "init: sh killed by signal 9 (KILL)
init: sh exited with status 137" "$(run "$SBIN/init" -t sh -c 'kill -9 $$')"
check "INIT_RUN" "a b
init: echo exited with status 0" "$(INIT_RUN='echo a b' run "$SBIN/init")"
check "init refuses normal mode unless process 1" \
	"init: not process 1 (use init -t PROG to run one program)" "$(run "$SBIN/init")"

# As process 1 (of new pid and mount namespaces, so that its mounts stay
# private): run-once mode powers off, which there ends the namespace with
# SIGINT (status 130).
if PATH=$HOST_PATH unshare -m -p -f --kill-child true >/dev/null 2>&1; then
	out=$(PATH=$HOST_PATH timeout $LIMIT unshare -m -p -f --kill-child \
		"$SBIN/init" -t sh -c 'exit 4' 2>&1 </dev/null)
	check "init -t as process 1 powers off" "init: sh exited with status 4
130" "$out
$?"
else
	ok "init -t as process 1 # SKIP no pid namespaces (unshare -p) here"
fi

# Normal mode as process 1, on a pseudo-terminal.
if [ -n "$PYTHON" ]; then
	out=$(PATH=$HOST_PATH timeout $LIMIT "$PYTHON" "$ROOT/user/tests/host/pty_init.py" \
		"$SBIN/init" "$BIN/sh" 2>&1)
	case $out in
	skip:*)
		ok "init normal mode # SKIP ${out#skip: }" ;;
	*)
		check "init normal mode: shell per terminal, reaping, ^C, respawn" "$(cat <<'EOF'
banner: M-OS: shell on TTY
prompt: / $ 
orphans reaped: yes
interrupted: status 130
respawned: yes
EOF
)" "$out" ;;
	esac
fi

# ---- programs started by programs ---------------------------------------

# Each i386 program that another one starts runs the same way as the first
# (through qemu-i386 it sees machine i686, natively the host's): by path
# and through PATH, from sh, env and init, directly at the binaries.
check "sh starts a program by path ($I386_MODE)" "$machine" \
	"$(run sh -c "$REAL_BIN/uname -m")"
check "sh starts a program found in PATH ($I386_MODE)" "$machine" \
	"$(run sh -c "PATH=$REAL_BIN; uname -m")"
check "env starts a program by path ($I386_MODE)" "$machine" \
	"$(run env "$REAL_BIN/uname" -m)"
check "env starts a program found in PATH ($I386_MODE)" "$machine" \
	"$(run env PATH="$REAL_BIN" uname -m)"
check "init -t starts a program ($I386_MODE)" "$machine
init: $REAL_BIN/uname exited with status 0" "$(run init -t "$REAL_BIN/uname" -m)"
check "a chain: env, sh, env, uname ($I386_MODE)" "$machine" \
	"$(run env "$REAL_BIN/sh" -c "$REAL_BIN/env $REAL_BIN/uname -m")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
