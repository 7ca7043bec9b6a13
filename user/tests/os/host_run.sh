#!/bin/bash
# Runs the user-level test programs (user/tests/os/) on this Linux host:
# they are static i386 binaries that run unchanged on M-OS and on Linux,
# and M-OS aims to behave like Linux, so they must pass here.  Builds
# them, runs build/user/tests/runall in a scratch directory (its cwd, with
# TMPDIR inside it), and ends with one line "N passed, N failed"; the exit
# status is non-zero on any failure.  A host that cannot execute i386
# programs runs them through qemu-i386 (tools/i386-exec.sh says which way,
# MOS_I386_RUNNER=qemu forces it); runall then starts every test through
# it too, and the few checks qemu-i386 cannot pass are skipped there, each
# with a "utest: note: SKIP" line, and counted.
#
#   bash user/tests/os/host_run.sh [TEST...]      e.g. t_fork mmap
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
TESTS=$ROOT/build/user/tests

if ! make -s -C "$ROOT" -f user/Makefile.user user-tests >/dev/null; then
	echo "host_run: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

source "$ROOT/tools/i386-exec.sh"
i386_init

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mos-utest.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/tmp"

# Any static i386 binary will do for the tests that need "a program".
if [ -x "$ROOT/build/user/bin/true" ]; then
	TESTS_BIN=$ROOT/build/user/bin/true
else
	TESTS_BIN=$TESTS/t_misc
fi

# Shorter runs than under QEMU (the calibrated loops scale with these).
# t_shscripts runs the shell's script suite from the source tree here.
export SH_SCRIPTS=$ROOT/user/tests/sh
export TESTS_BIN TMPDIR=$SCRATCH/tmp UTEST_TIMEOUT=${UTEST_TIMEOUT:-60} \
	UTEST_FPU_MS=${UTEST_FPU_MS:-100} UTEST_SIGNAL_MS=${UTEST_SIGNAL_MS:-100}

LOG=$SCRATCH/runall.log
(cd "$SCRATCH" && timeout -k 5 300 "${I386_RUN[@]}" "$TESTS/runall" "$@" </dev/null) 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}

total=$(sed -n 's/^utest: total: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$LOG" | tail -n 1)
if [ -z "$total" ]; then
	echo "host_run: no total line (runall exit status $status)"
	echo "0 passed, 1 failed"
	exit 1
fi
set -- $total
passed=$1
failed=$2
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "host_run: runall exited $status"
	failed=1
fi
# Checks are skipped only where an emulator cannot pass them.
skipped=$(grep -c '^utest: note: SKIP ' "$LOG")
if [ "$skipped" -gt 0 ] && [ "$I386_EMULATED" != 1 ]; then
	echo "host_run: FAIL: $skipped checks skipped as if under an emulator, but the" \
	     "tests ran natively"
	failed=$((failed + 1))
elif [ "$skipped" -gt 0 ]; then
	echo "host_run: $skipped checks skipped under an emulator (the \"utest: note: SKIP\"" \
	     "lines say which and why)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
