#!/bin/bash
# Host test for M-OS's sh against dash: every user/tests/sh/NAME.sh is run
# by M-OS's sh (build/user/bin/sh, an i386 program: natively or through
# qemu-i386, tools/i386-exec.sh) and, when it is installed, by dash, each
# in an empty scratch directory with the M-OS utilities first in PATH and
# `sh` meaning the shell under test.  NAME.expected holds what the script
# prints on standard output followed by a line "[status N]" with its exit
# status; it was made with dash, and this test proves it still is dash's.
# Checks per script:
#   - M-OS sh's output and status equal NAME.expected;
#   - dash's output and status equal NAME.expected (skipped, with a note,
#     where dash is missing: never a failure);
#   - M-OS sh writes to standard error exactly when dash does (the texts
#     of messages differ between shells: only their presence is compared).
# The same scripts and expectations run under M-OS itself (t_shscripts).
# One line per check, "ok - ..." or "FAIL - ..."; the last line is
# "N passed, N failed".
#
#   bash user/tests/sh/run.sh [NAME...]
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
SRC=$ROOT/user/tests/sh
LIMIT=30			# seconds any one script may take
pass=0
fail=0

ok() {
	pass=$((pass + 1))
	echo "ok - $1"
}

bad() {
	fail=$((fail + 1))
	echo "FAIL - $1"
	[ -n "${2-}" ] && printf '%s\n' "$2" | sed 's/^/    /'
}

finish() {
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
}

if ! make --no-print-directory -s -C "$ROOT" -f user/Makefile.user user >/dev/null 2>&1; then
	bad "build the userland"
	finish
fi
source "$ROOT/tools/i386-exec.sh"
i386_init

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mos-sh.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
MOSBIN=$(i386_bin_dir "$ROOT/build/user/bin" "$WORK")
DASH=$(command -v dash || true)
if [ -n "$DASH" ]; then
	mkdir -p "$WORK/dashbin"
	ln -s "$DASH" "$WORK/dashbin/sh"
else
	echo "note: dash is not installed (tools/deps.sh installs it): the comparison with dash is skipped"
fi

# run_script SHELLDIR NAME OUTFILE ERRFILE: stdout and "[status N]" to OUTFILE.
run_script() {
	local dir=$1 name=$2 out=$3 err=$4 st
	rm -rf "$WORK/scratch"
	mkdir "$WORK/scratch"
	(cd "$WORK/scratch" && PATH=$dir:$MOSBIN:$PATH HOME=/ timeout $LIMIT \
		sh "$SRC/$name.sh" >"$out" 2>"$err" </dev/null)
	st=$?
	echo "[status $st]" >>"$out"
}

differ() {
	diff "$1" "$2" | sed -e 's/^</expected:/' -e 's/^>/got:     /' | grep -v '^[0-9]' | head -20
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in "$SRC"/*.sh; do
		n=$(basename "$f" .sh)
		[ "$n" = run ] || names+=("$n")
	done
fi
for name in "${names[@]}"; do
	want=$SRC/$name.expected
	if [ ! -f "$want" ]; then
		bad "$name: no $name.expected"
		continue
	fi
	run_script "$MOSBIN" "$name" "$WORK/mos.out" "$WORK/mos.err"
	if cmp -s "$want" "$WORK/mos.out"; then
		ok "$name: M-OS sh"
	else
		bad "$name: M-OS sh" "$(differ "$want" "$WORK/mos.out"; sed 's/^/stderr: /' "$WORK/mos.err" | head -5)"
	fi
	[ -n "$DASH" ] || continue
	run_script "$WORK/dashbin" "$name" "$WORK/dash.out" "$WORK/dash.err"
	if cmp -s "$want" "$WORK/dash.out"; then
		ok "$name: dash agrees with $name.expected"
	else
		bad "$name: dash disagrees with $name.expected" "$(differ "$want" "$WORK/dash.out")"
	fi
	if { [ -s "$WORK/mos.err" ] && [ -s "$WORK/dash.err" ]; } ||
	   { [ ! -s "$WORK/mos.err" ] && [ ! -s "$WORK/dash.err" ]; }; then
		ok "$name: standard error used as dash uses it"
	else
		bad "$name: standard error used as dash uses it" \
			"M-OS sh: $(head -c 300 "$WORK/mos.err")
dash: $(head -c 300 "$WORK/dash.err")"
	fi
done
finish
