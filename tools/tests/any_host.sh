#!/usr/bin/env bash
# Host test: the tests and the benchmark run on any Debian host, also one
# whose kernel cannot execute i386 programs (doc/testing.md, "i386
# programs on the host").  This host may well run them natively, so the
# other way is forced or simulated:
#
#  - tools/i386-exec.sh decides right: natively when its probe runs,
#    through qemu-i386 when the probe cannot execute (simulated with a
#    copy of build/user/bin/true without execute permission), says so in
#    one line, never fails (not even without a qemu-i386), obeys
#    MOS_I386_RUNNER=native|qemu, and hands its answer to the scripts it
#    starts (MOS_I386_PROBED) instead of probing again;
#  - through qemu-i386, run_i386 and the wrapper scripts of i386_bin_dir
#    run the programs under the emulator (uname -m says i686 there), and
#    i386_bin_dir wraps i386 programs only;
#  - the Makefiles stop at once with a message naming tools/deps.sh when
#    the 32-bit toolchain is missing (simulated with a compiler that finds
#    no 32-bit libgcc or libc.a), for make, make test, make bench and the
#    sub-makefiles the host tests use, and not for make clean;
#  - with MOS_I386_RUNNER=qemu, the host tests themselves pass:
#    user/tests/os/host_run.sh (every user suite: runall starts each test
#    through qemu-i386, and the tests saw the emulator),
#    user/tests/host/run.sh and bench/selftest.sh.
#
# Each check prints `ok - WHAT` or `FAIL - WHAT (DETAILS)`; the last line is
# `N passed, N failed` and the exit status is non-zero if anything failed.
# Takes about 20 s (the three host tests under qemu-i386).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

WORK=$(mktemp -d "${TMPDIR:-/tmp}/any-host.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
source tools/tests/checks.sh
expect() {	# description expected actual
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected [$2], got [$3]"
	fi
}
# expect_in description needle haystack
expect_in() {
	case $3 in
	*"$2"*) ok "$1" ;;
	*) fail "$1" "no [$2] in [$(printf '%s' "$3" | head -c 600 | tr '\n' ' ')]" ;;
	esac
}

if make -s -f user/Makefile.user user >"$WORK/build.log" 2>&1; then
	ok "the userland builds"
else
	fail "the userland builds" "$(head -c 1500 "$WORK/build.log")"
	finish
fi
TRUE=$ROOT/build/user/bin/true
UNAME=$ROOT/build/user/bin/uname
QEMU=$(command -v qemu-i386 || true)
if [ -n "$QEMU" ]; then
	ok "qemu-i386 is installed (tools/deps.sh installs qemu-user)"
else
	fail "qemu-i386 is installed" "run tools/deps.sh"
	finish
fi

# ---- the decision -------------------------------------------------------

# decide [VAR=VALUE...]: sources tools/i386-exec.sh in a fresh shell with
# none of its variables inherited but these, calls i386_init, and prints
# what it said, then "mode=... emulator=... probed=... status=...".
decide() {
	env -u MOS_I386_RUNNER -u MOS_I386_PROBED -u MOS_I386_EMULATOR \
		-u MOS_I386_PROBE -u MOS_I386_QEMU "$@" bash -c '
		set -u
		source tools/i386-exec.sh
		i386_init
		status=$?
		echo "mode=$I386_MODE emulator=${MOS_I386_EMULATOR:-} probed=${MOS_I386_PROBED:-} status=$status"
	' 2>&1
}

NOEXEC=$WORK/true-without-x
cp "$TRUE" "$NOEXEC"
chmod 644 "$NOEXEC"

if "$TRUE" >/dev/null 2>&1; then
	expect "auto: the probe runs here, so natively" "i386 programs: run natively
mode=native emulator= probed=native status=0" "$(decide)"
else
	expect "auto: the probe does not run here, so through qemu-i386" \
		"i386 programs: run through qemu-i386 (this host cannot execute them)
mode=qemu emulator=$QEMU probed=qemu status=0" "$(decide)"
fi
expect "auto: a probe the host cannot execute means qemu-i386" \
	"i386 programs: run through qemu-i386 (this host cannot execute them)
mode=qemu emulator=$QEMU probed=qemu status=0" "$(decide MOS_I386_PROBE="$NOEXEC")"
out=$(decide MOS_I386_PROBE="$NOEXEC" MOS_I386_QEMU="$WORK/no-such-qemu")
expect_in "auto: no qemu-i386 either: says to run tools/deps.sh" \
	"this host cannot execute them" "$out"
expect_in "auto: no qemu-i386 either: names the package" "tools/deps.sh (package qemu-user)" "$out"
expect_in "auto: no qemu-i386 either: goes on natively, status 0" \
	"mode=native emulator= probed= status=0" "$out"
expect "MOS_I386_RUNNER=qemu forces qemu-i386 (no probe)" \
	"i386 programs: run through qemu-i386 (MOS_I386_RUNNER=qemu)
mode=qemu emulator=$QEMU probed= status=0" "$(decide MOS_I386_RUNNER=qemu)"
expect "MOS_I386_RUNNER=native forces native (no probe)" \
	"i386 programs: run natively (MOS_I386_RUNNER=native)
mode=native emulator= probed= status=0" \
	"$(decide MOS_I386_RUNNER=native MOS_I386_PROBE="$NOEXEC")"
expect "a caller's answer is taken without probing again" \
	"i386 programs: run through qemu-i386 (this host cannot execute them)
mode=qemu emulator=$QEMU probed=qemu status=0" "$(decide MOS_I386_PROBED=qemu)"
out=$(decide MOS_I386_RUNNER=sometimes MOS_I386_PROBE="$NOEXEC")
expect_in "a bad MOS_I386_RUNNER is named, then the probe decides" \
	"MOS_I386_RUNNER=sometimes is not auto, native or qemu; probing" "$out"
expect_in "... and the probe decided" "mode=qemu" "$out"
expect_in "a probe that is not built: natively, and says why" \
	"not probed: $WORK/not-built is not built" "$(decide MOS_I386_PROBE="$WORK/not-built")"

# ---- running through qemu-i386 ----------------------------------------

through_qemu() {	# shell code, run after i386_init with qemu-i386 forced
	env -u MOS_I386_PROBED MOS_I386_RUNNER=qemu bash -c "
		set -u
		source tools/i386-exec.sh
		i386_init >/dev/null
		$1" 2>&1
}
expect "run_i386 runs a program under qemu-i386" i686 \
	"$(through_qemu "run_i386 '$UNAME' -m")"
expect "\"\${I386_RUN[@]}\" too (for timeout)" i686 \
	"$(through_qemu "timeout 20 \"\${I386_RUN[@]}\" '$UNAME' -m")"
mkdir -p "$WORK/bin"
cp "$UNAME" "$WORK/bin/uname"
printf '#!/bin/sh\necho script\n' > "$WORK/bin/script"
cp "$TRUE" "$WORK/bin/not-executable"
chmod 755 "$WORK/bin/script"
chmod 644 "$WORK/bin/not-executable"
wrapped=$(through_qemu "d=\$(i386_bin_dir '$WORK/bin' '$WORK/wrap') && cd \"\$d\" && ls && ./uname -m")
expect "i386_bin_dir wraps the i386 programs only, and runs them under qemu-i386" "uname
i686" "$wrapped"
expect "natively, i386_bin_dir is the directory itself" "$WORK/bin" \
	"$(env -u MOS_I386_PROBED MOS_I386_RUNNER=native bash -c "
		source tools/i386-exec.sh; i386_init >/dev/null; i386_bin_dir '$WORK/bin' '$WORK/x'")"

# ---- the 32-bit toolchain check ------------------------------------------

# fake_gcc NAME HAS_LIBGCC: a gcc that, for -m32, finds no libc.a (and no
# libgcc unless HAS_LIBGCC), printing just the name as gcc does.
fake_gcc() {
	local f=$WORK/$1
	cat > "$f" <<EOF
#!/bin/sh
for a; do
	case \$a in
	-print-libgcc-file-name) [ $2 = 1 ] && exec gcc "\$@"; echo libgcc.a; exit 0 ;;
	-print-file-name=*) echo "\${a#-print-file-name=}"; exit 0 ;;
	esac
done
exec gcc "\$@"
EOF
	chmod 755 "$f"
	echo "$f"
}
# make, as if typed: not a sub-make of `make test` (no inherited flags).
fresh_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make --no-print-directory "$@"
}
NO_LIBGCC=$(fake_gcc gcc-no-multilib 0)
NO_LIBC=$(fake_gcc gcc-no-libc32 1)

# make_stops DESCRIPTION WHAT make-arguments...: make must fail at once
# with one line naming WHAT and tools/deps.sh, and build nothing.
make_stops() {
	local what=$1 lib=$2 out status
	shift 2
	out=$(fresh_make -n "$@" 2>&1 </dev/null)
	status=$?
	if [ $status -eq 0 ]; then
		fail "$what" "make succeeded: $(printf '%s' "$out" | head -c 300)"
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		fail "$what" "more than one line: $(printf '%s' "$out" | head -c 600)"
	else
		expect_in "$what" "no 32-bit $lib for" "$out"
		expect_in "$what: the remedy" "run tools/deps.sh first" "$out"
	fi
}
make_stops "make without 32-bit libgcc stops early" libgcc CC="$NO_LIBGCC"
make_stops "make without 32-bit libc.a stops early" "static glibc (libc.a)" CC="$NO_LIBC"
make_stops "make test without gcc-multilib stops early" libgcc test CC="$NO_LIBGCC"
make_stops "make bench without gcc-multilib stops early" libgcc bench CC="$NO_LIBGCC"
make_stops "user/Makefile.user (host tests) stops early" "static glibc (libc.a)" \
	-f user/Makefile.user user UCC="$NO_LIBC"
make_stops "bench/Makefile (selftest) stops early" libgcc -f bench/Makefile CC="$NO_LIBGCC"
if fresh_make -n clean CC="$NO_LIBGCC" >/dev/null 2>&1; then
	ok "make clean needs no 32-bit toolchain"
else
	fail "make clean needs no 32-bit toolchain" "it failed"
fi
if out=$(fresh_make -n 2>&1); then
	ok "make with the real toolchain passes the check"
else
	fail "make with the real toolchain passes the check" "$(printf '%s' "$out" | head -c 300)"
fi

# ---- the host tests with qemu-i386 forced --------------------------------

# host_test_through_qemu NAME SCRIPT: runs a host test with qemu-i386
# forced; it must say so and end with "N passed, 0 failed".
host_test_through_qemu() {
	local name=$1 log=$WORK/$1.log last
	env -u MOS_I386_PROBED MOS_I386_RUNNER=qemu bash "$2" >"$log" 2>&1 </dev/null
	local status=$?
	last=$(tail -n 1 "$log")
	if [ $status -eq 0 ] && [[ $last =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
		ok "$name through qemu-i386: $last"
	else
		# The failing checks first (utest prints "FAIL"), then other errors.
		fail "$name through qemu-i386" "status $status, last line '$last'; $( {
			grep -a 'FAIL' "$log"; grep -a -i -e error "$log"; } | head -n 12 | tr '\n' ' ')"
	fi
	expect_in "$name: said it ran through qemu-i386" \
		"i386 programs: run through qemu-i386 (MOS_I386_RUNNER=qemu)" "$(head -n 40 "$log")"
}
host_test_through_qemu usertests user/tests/os/host_run.sh
# Every test ran under the emulator: t_misc reports the machine it sees.
expect_in "usertests: the tests saw the emulator (t_misc: machine i686)" \
	'machine "i686"' "$(grep -a '^utest: note: uname:' "$WORK/usertests.log")"
skips=$(grep -a -c '^utest: note: SKIP ' "$WORK/usertests.log")
echo "   ($skips checks were skipped under qemu-i386, each with a note)"
host_test_through_qemu userland user/tests/host/run.sh
expect_in "userland: programs started by programs ran through qemu-i386" \
	"ok - a chain: env, sh, env, uname (qemu)" "$(cat "$WORK/userland.log")"
host_test_through_qemu bench bench/selftest.sh

finish
