#!/usr/bin/env bash
# The test runner behind `make test` (doc/testing.md).
#
#   tools/run-tests.sh            every kernel suite at each memory size,
#                                 then the host tests
#   tools/run-tests.sh NAME       one suite (kernel suite or host test)
#
# Each kernel suite boots QEMU headless once per memory size with
# test=NAME and a time limit.  A boot counts as a failed case when it
# panics, resets (a triple fault: -no-reboot turns a reset into an exit
# with status 0), hangs past the limit, or ends without the summary line.
# The last line is `N passed, N failed`, counting test cases.
set -uo pipefail
cd "$(dirname "$0")/.."

KERNEL=build/kernel.elf
LOGDIR=build/test-logs
MEMS=${TEST_MEMS:-"32M 1G"}
TIMEOUT=${TEST_TIMEOUT:-120}
only=${1:-}
passed=0
failed=0
mkdir -p "$LOGDIR"

# Scratch disks for the ata suite (doc/drivers.md): hda and hdb, zeroed
# afresh before every boot so no suite sees another's data.
SCRATCH_DISKS=("$LOGDIR/scratch-hda.img" "$LOGDIR/scratch-hdb.img")
SCRATCH_SIZE=4M

fresh_scratch_disks() {
	local img
	for img in "${SCRATCH_DISKS[@]}"; do
		rm -f "$img"
		truncate -s "$SCRATCH_SIZE" "$img"
	done
}

qemu_boot() {	# mem append log
	fresh_scratch_disks
	timeout --foreground -k 5 "$TIMEOUT" qemu-system-i386 -accel tcg -m "$1" \
		-kernel "$KERNEL" -append "$2" -display none -monitor none \
		-serial "file:$3" -no-reboot \
		-drive "file=${SCRATCH_DISKS[0]},format=raw,if=ide,index=0" \
		-drive "file=${SCRATCH_DISKS[1]},format=raw,if=ide,index=1" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
}

fail_case() {	# reason log
	echo "FAIL: $1"
	[ -f "$2" ] && tail -n 25 "$2" | sed 's/^/    | /'
	failed=$((failed + 1))
}

run_kernel_suite() {	# suite mem
	local suite=$1 mem=$2 log="$LOGDIR/$1-$2.log" status
	qemu_boot "$mem" "test=$suite" "$log"
	status=$?
	local summary
	summary=$(tr -d '\r' <"$log" | sed -n 's/^ktest: total: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -n 1)
	case $status in
	1|3) ;;
	5) fail_case "$suite (-m $mem): kernel panic" "$log"; return ;;
	0) fail_case "$suite (-m $mem): machine reset (triple fault)" "$log"; return ;;
	124|137) fail_case "$suite (-m $mem): hung, killed after ${TIMEOUT}s" "$log"; return ;;
	*) fail_case "$suite (-m $mem): QEMU exited with status $status" "$log"; return ;;
	esac
	if [ -z "$summary" ]; then
		fail_case "$suite (-m $mem): no summary line" "$log"
		return
	fi
	set -- $summary
	passed=$((passed + $1))
	failed=$((failed + $2))
	if [ "$2" -gt 0 ] || [ $status -ne 1 ]; then
		echo "FAIL: $suite (-m $mem): $1 passed, $2 failed"
		grep -a 'ktest: FAIL' "$log" | sed 's/^/    | /'
		[ "$2" -gt 0 ] || failed=$((failed + 1))
	else
		echo "ok:   $suite (-m $mem): $1 passed"
	fi
}

# A panic suite must end in a kernel panic whose message contains the
# text the kernel listed for it; it boots once, at the smaller memory size.
run_panic_suite() {	# suite message
	local suite=$1 message=$2 mem=${MEMS%% *} log="$LOGDIR/$1.log" status
	qemu_boot "$mem" "test=$suite" "$log"
	status=$?
	if [ $status -ne 5 ]; then
		fail_case "$suite: expected a panic, QEMU exited with status $status" "$log"
	elif ! tr -d '\r' <"$log" | grep -a -q "^PANIC at .*$message"; then
		fail_case "$suite: panicked, but not with \"$message\"" "$log"
	else
		echo "ok:   $suite: panicked with \"$message\""
		passed=$((passed + 1))
	fi
}

# Host tests are scripts that end with an `N passed, N failed` line.
run_host_test() {	# name script
	local name=$1 log="$LOGDIR/host-$1.log" line
	bash "$2" >"$log" 2>&1 </dev/null
	local status=$?
	line=$(grep -a -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		fail_case "host test $name: no summary line (status $status)" "$log"
		return
	fi
	set -- $line
	passed=$((passed + $1))
	failed=$((failed + $3))
	if [ $status -ne 0 ] && [ "$3" -eq 0 ]; then
		fail_case "host test $name: exited with status $status" "$log"
	elif [ "$3" -gt 0 ]; then
		echo "FAIL: host test $name: $line"
		grep -a -i 'fail' "$log" | head -n 20 | sed 's/^/    | /'
	else
		echo "ok:   host test $name: $1 passed"
	fi
}

declare -A host_tests=()
[ -f bench/selftest.sh ] && host_tests[bench]=bench/selftest.sh
[ -f tools/tests/run.sh ] && host_tests[tools]=tools/tests/run.sh
[ -f user/tests/host/run.sh ] && host_tests[user]=user/tests/host/run.sh

# The suite list comes from the kernel itself.
qemu_boot 32M "test=list" "$LOGDIR/list.log"
suites=$(tr -d '\r' <"$LOGDIR/list.log" | sed -n 's/^ktest: suites://p')
if [ -z "$suites" ]; then
	fail_case "could not list the kernel suites" "$LOGDIR/list.log"
fi
panic_suites=$(tr -d '\r' <"$LOGDIR/list.log" | sed -n 's/^ktest: panic suite \([^:]*\): .*/\1/p')

ran=0
for suite in $suites; do
	[ -n "$only" ] && [ "$only" != "$suite" ] && continue
	for mem in $MEMS; do
		run_kernel_suite "$suite" "$mem"
	done
	ran=1
done
for suite in $panic_suites; do
	[ -n "$only" ] && [ "$only" != "$suite" ] && continue
	message=$(tr -d '\r' <"$LOGDIR/list.log" | sed -n "s/^ktest: panic suite $suite: //p")
	run_panic_suite "$suite" "$message"
	ran=1
done
for name in "${!host_tests[@]}"; do
	[ -n "$only" ] && [ "$only" != "$name" ] && continue
	run_host_test "$name" "${host_tests[$name]}"
	ran=1
done
if [ -n "$only" ] && [ $ran -eq 0 ]; then
	echo "no suite or host test named '$only' (kernel suites:$suites)"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
