#!/usr/bin/env bash
# Host test: the BusyBox session (session.sh beside this file) on the
# host's Linux, proving its written expectations are what Linux gives
# stock BusyBox; the busybox step of tools/run-tests.sh runs the same
# session on M-OS.  Debian's busybox-static:i386 comes from tools/deps.sh.
#
# Debian's BusyBox is built as a standalone shell: it runs applets by
# re-executing itself, which qemu-i386 cannot follow on a host whose
# kernel does not execute i386 programs, so there the session is skipped
# with a note (doc/testing.md).  Last line: `N passed, N failed`.
set -u
cd "$(dirname "$0")/../../.." || exit 1
ROOT=$PWD
BB=$ROOT/build/deps/busybox/bin/busybox
source tools/i386-exec.sh
i386_init

if [ ! -x "$BB" ]; then
	echo "FAIL - $BB is missing: run tools/deps.sh"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ "$I386_MODE" = qemu ]; then
	echo "note: SKIP the BusyBox session: its standalone shell re-executes"
	echo "      busybox, which qemu-i386 runs only through binfmt_misc"
	echo "0 passed, 0 failed"
	exit 0
fi
out=$(cd /tmp && timeout 120 "$BB" sh "$ROOT/user/tests/busybox/session.sh" "$BB" 2>&1 </dev/null)
echo "$out" | grep -a '^bbtest: '
line=$(echo "$out" | sed -n 's/^bbtest: total: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
if [ -z "$line" ]; then
	echo "FAIL - the session printed no total"
	echo "0 passed, 1 failed"
	exit 1
fi
set -- $line
echo "$1 passed, $2 failed"
[ "$2" -eq 0 ]
