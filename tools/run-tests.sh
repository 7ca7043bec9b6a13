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
		${QEMU_CPU:+-cpu "$QEMU_CPU"} -kernel "$KERNEL" -append "$2" -display none -monitor none \
		-serial "file:$3" -no-reboot \
		-drive "file=${BOOT_HDA:-${SCRATCH_DISKS[0]}},format=raw,if=ide,index=0" \
		-drive "file=${BOOT_HDB:-${SCRATCH_DISKS[1]}},format=raw,if=ide,index=1" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
}

fail_case() {	# reason log
	echo "FAIL: $1"
	[ -f "$2" ] && tail -n 25 "$2" | sed 's/^/    | /'
	failed=$((failed + 1))
}

# Counts one boot: QEMU's status (1 success, 3 failure, 5 panic, 0 reset,
# 124/137 killed by the time limit) and the `PREFIX: total: P passed,
# F failed` line in its log; failures show their PREFIX: FAIL lines.
tally_boot() {	# label log status prefix
	local label=$1 log=$2 status=$3 prefix=$4 summary
	summary=$(tr -d '\r' <"$log" | sed -n "s/^$prefix: total: \([0-9]*\) passed, \([0-9]*\) failed\$/\1 \2/p" | tail -n 1)
	case $status in
	1|3) ;;
	5) fail_case "$label: kernel panic" "$log"; return ;;
	0) fail_case "$label: machine reset (triple fault)" "$log"; return ;;
	124|137) fail_case "$label: hung, killed after ${TIMEOUT}s" "$log"; return ;;
	*) fail_case "$label: QEMU exited with status $status" "$log"; return ;;
	esac
	if [ -z "$summary" ]; then
		fail_case "$label: no summary line" "$log"
		return
	fi
	set -- $summary
	passed=$((passed + $1))
	failed=$((failed + $2))
	if [ "$2" -gt 0 ] || [ "$status" -ne 1 ]; then
		echo "FAIL: $label: $1 passed, $2 failed"
		grep -a "$prefix: FAIL" "$log" | sed 's/^/    | /'
		[ "$2" -gt 0 ] || failed=$((failed + 1))
	else
		echo "ok:   $label: $1 passed"
	fi
}

run_kernel_suite() {	# suite mem [more kernel arguments]
	local suite=$1 mem=$2 log="$LOGDIR/$1-$2.log" args=${3:-}
	# The rtc suite compares the CMOS clock with the host's clock.
	[ "$suite" = rtc ] && args="${args:+$args }rtc_host_epoch=$(date +%s)"
	qemu_boot "$mem" "test=$suite${args:+ $args}" "$log"
	tally_boot "$suite (-m $mem)" "$log" $? ktest
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

# SMEP and SMAP (doc/boot.md): QEMU's default CPU (qemu32) has neither,
# so these suites boot (also) on SMAP_CPU, which has both, as the user
# suites and the fuzzers do: with SMAP on, any kernel access to user
# memory outside the user-copy routines panics.  Every other boot (kernel
# suites, busybox, ISO, power-off) runs on qemu32, where stac/clac are
# patched out.
SMAP_CPU=${SMAP_CPU:-max}
SMAP_SUITES="smap panic_smap panic_smep"

# The user suites (user/tests/os): M-OS boots a copy of the default disk
# with /tests/runall as its first program, which runs every /tests/t_*
# program and prints `utest: total: P passed, F failed`; init's exit
# status becomes QEMU's (halt_on_init_exit=1).  hdb is a small fresh
# S5FS for t_mount, which must not report itself skipped.  Both disks
# must be fsck-clean afterwards.  They run on SMAP_CPU (SMEP and SMAP on).
USER_MEM=${USER_MEM:-128M}
USER_TIMEOUT=${USER_TIMEOUT:-600}
run_user_suites() {
	local img="$LOGDIR/user-disk.img" hdb="$LOGDIR/user-hdb.img" log="$LOGDIR/user-suites.log"
	local status
	if [ ! -f build/disk.img ]; then
		fail_case "user suites: build/disk.img is missing" /dev/null
		return
	fi
	cp --sparse=always build/disk.img "$img"
	fs_tools
	fs_make_image "$hdb" "$FS_SMALL_SIZE" -i "$FS_SMALL_INODES" ||
		{ fail_case "user suites: mkfs.s5fs failed" ""; return; }
	BOOT_HDA=$img BOOT_HDB=$hdb TIMEOUT=$USER_TIMEOUT QEMU_CPU=$SMAP_CPU qemu_boot "$USER_MEM" \
		"init=/tests/runall halt_on_init_exit=1" "$log"
	status=$?
	BOOT_HDA=""
	BOOT_HDB=""
	TIMEOUT=$USER_TIMEOUT tally_boot "user suites" "$log" $status utest
	if tr -d '\r' <"$log" | grep -a -q "t_mount: SKIPPED"; then
		fail_case "user suites: t_mount skipped its disk tests" "$log"
	fi
	if build/tools/fsck.s5fs "$img" >"$LOGDIR/user-fsck.log" 2>&1; then
		passed=$((passed + 1))
	else
		fail_case "user suites: the disk is not fsck-clean afterwards" "$LOGDIR/user-fsck.log"
	fi
	fs_fsck "$hdb" "user suites: hdb"
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

# ---- File-system suites (doc/fs.md, "Testing") --------------------------
# vfstest and s5fs boot on S5FS images instead of the zeroed scratch
# disks: a fresh FS_ROOT_SIZE root as hda, and for s5fs a tiny S5FS as
# hdb (its ENOSPC, remount and corruption tests; for s5fs_journal a tiny
# journaled one, for the replay tests; for s5fs_dir one with inodes for
# a 5,000-entry directory); after the boot every
# image must pass fsck.s5fs, and a "SKIPPED" in the log is a failure.
# Two more steps: "persistence" boots twice on one image (test=
# s5fs_persist_write, then s5fs_persist_check) and fscks it; and
# "s5fs_corrupt_root" boots on an image with a damaged superblock, which
# must be refused with a message (the root becomes a ramfs), not a panic.
# Those suites need flags on the command line, so the main loop skips them.
MKFS=build/tools/mkfs.s5fs
FSCK=build/tools/fsck.s5fs
FS_IMG_DIR=$LOGDIR/fs
FS_ROOT_SIZE=64M
FS_SMALL_SIZE=1M
FS_SMALL_INODES=64
FS_SUITES="vfstest s5fs s5fs_journal s5fs_dir"
FS_DIR_SIZE=16M		# s5fs_dir's hdb: 5,000 files in one directory
FS_DIR_INODES=6000
FS_JOURNAL_BLOCKS=16
FS_STEP_SUITES="s5fs_persist_write s5fs_persist_check s5fs_corrupt_root"
BOOT_HDA=""
BOOT_HDB=""

in_list() {	# word list
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

fs_tools() {
	[ -x "$MKFS" ] && [ -x "$FSCK" ] || make -s tools >/dev/null
}

fs_make_image() {	# image size [mkfs options...]
	local img=$1 size=$2
	shift 2
	mkdir -p "$FS_IMG_DIR/empty"
	rm -f "$img" "$img.fsck"
	"$MKFS" -s "$size" "$@" "$img" "$FS_IMG_DIR/empty" >/dev/null
}

fs_prepare() {	# suite
	BOOT_HDA=""
	BOOT_HDB=""
	in_list "$1" "$FS_SUITES" || return 0
	fs_tools
	fs_make_image "$FS_IMG_DIR/$1-hda.img" "$FS_ROOT_SIZE" && BOOT_HDA=$FS_IMG_DIR/$1-hda.img
	if [ "$1" = s5fs ]; then
		fs_make_image "$FS_IMG_DIR/$1-hdb.img" "$FS_SMALL_SIZE" -i "$FS_SMALL_INODES" &&
			BOOT_HDB=$FS_IMG_DIR/$1-hdb.img
	elif [ "$1" = s5fs_dir ]; then
		fs_make_image "$FS_IMG_DIR/$1-hdb.img" "$FS_DIR_SIZE" -i "$FS_DIR_INODES" &&
			BOOT_HDB=$FS_IMG_DIR/$1-hdb.img
	elif [ "$1" = s5fs_journal ]; then
		fs_make_image "$FS_IMG_DIR/$1-hdb.img" "$FS_SMALL_SIZE" -i "$FS_SMALL_INODES" \
			-j "$FS_JOURNAL_BLOCKS" && BOOT_HDB=$FS_IMG_DIR/$1-hdb.img
	fi
}

fs_fsck() {	# image what
	if "$FSCK" "$1" >"$1.fsck" 2>&1; then
		echo "ok:   $2: fsck.s5fs clean"
		passed=$((passed + 1))
	else
		fail_case "$2: fsck.s5fs found problems" "$1.fsck"
	fi
}

fs_verify() {	# suite mem
	local img
	for img in $BOOT_HDA $BOOT_HDB; do
		fs_fsck "$img" "$1 (-m $2) $(basename "$img")"
	done
	if [ -n "$BOOT_HDA" ] && grep -a -q SKIPPED "$LOGDIR/$1-$2.log"; then
		fail_case "$1 (-m $2): tests skipped" "$LOGDIR/$1-$2.log"
	fi
	BOOT_HDA=""
	BOOT_HDB=""
}

run_persistence() {
	local img=$FS_IMG_DIR/persist.img mem=${MEMS%% *} step
	fs_tools
	fs_make_image "$img" "$FS_ROOT_SIZE" || { fail_case "persistence: mkfs.s5fs failed" ""; return; }
	for step in write check; do
		BOOT_HDA=$img
		run_kernel_suite "s5fs_persist_$step" "$mem" "s5fs_persist=1"
		BOOT_HDA=""
	done
	fs_fsck "$img" "persistence"
}

run_corrupt_root() {
	local img=$FS_IMG_DIR/corrupt.img mem=${MEMS%% *} log
	fs_tools
	fs_make_image "$img" "$FS_ROOT_SIZE" || { fail_case "s5fs_corrupt_root: mkfs.s5fs failed" ""; return; }
	printf 'JUNK' | dd of="$img" bs=1 seek=0 conv=notrunc status=none	# the magic
	BOOT_HDA=$img
	run_kernel_suite s5fs_corrupt_root "$mem" "s5fs_corrupt=1"
	BOOT_HDA=""
	log=$LOGDIR/s5fs_corrupt_root-$mem.log
	if tr -d '\r' <"$log" | grep -a -q "s5fs: hda: refusing to mount: bad magic"; then
		echo "ok:   s5fs_corrupt_root: refused with a message"
		passed=$((passed + 1))
	else
		fail_case "s5fs_corrupt_root: no refusal message" "$log"
	fi
}

# ---- Power-off (doc/api.md, "The first process") ----------------------
# Every power-off but a panic syncs first.  Each case boots a copy of the
# default disk with /tests/initdie as init: it writes a file (no fsync)
# and ends as told.  QEMU's status must follow halt_on_init_exit (success
# only for an exit with 0 and the flag; without it the kernel says init
# must not end); afterwards the file must be on the image, the superblock
# marked clean, and the image fsck-clean.
S5EXTRACT=build/tools/s5extract
S5DBG=build/tools/s5dbg
S5_STATE_CLEAN=1
POWEROFF_MEM=64M

poweroff_case() {	# name how halt-flag expected-status expected-message
	local name=$1 how=$2 flag=$3 want=$4 message=$5
	local img=$LOGDIR/poweroff.img log=$LOGDIR/poweroff-$1.log out=$LOGDIR/poweroff-$1.out
	local text="written-before-$name" status state
	local append="init=/tests/initdie /tmp/$name $text $how${flag:+ $flag}"
	BOOT_HDA=$img qemu_boot "$POWEROFF_MEM" "$append" "$log"
	status=$?
	BOOT_HDA=""
	if [ "$status" -ne "$want" ]; then
		fail_case "poweroff $name: QEMU exited with status $status, expected $want" "$log"
		return
	fi
	if ! tr -d '\r' <"$log" | grep -a -q -- "$message"; then
		fail_case "poweroff $name: no message \"$message\"" "$log"
		return
	fi
	rm -rf "$out"
	if ! "$S5EXTRACT" "$img" "$out" "/tmp/$name" >/dev/null 2>&1 ||
	   [ "$(cat "$out/$name" 2>/dev/null)" != "$text" ]; then
		fail_case "poweroff $name: /tmp/$name is not on the disk (no sync at power-off)" "$log"
		return
	fi
	state=$("$S5DBG" "$img" get sb state 2>&1)
	if [ "$state" != "$S5_STATE_CLEAN" ]; then
		fail_case "poweroff $name: superblock state $state, not clean" "$log"
		return
	fi
	if ! "$FSCK" "$img" >"$img.fsck" 2>&1; then
		fail_case "poweroff $name: fsck.s5fs found problems" "$img.fsck"
		return
	fi
	echo "ok:   poweroff $name: status $status, file synced, disk clean"
	passed=$((passed + 1))
}

run_poweroff() {
	if [ ! -f build/disk.img ]; then
		fail_case "poweroff: build/disk.img is missing" /dev/null
		return
	fi
	fs_tools
	[ -x "$S5EXTRACT" ] && [ -x "$S5DBG" ] || make -s tools >/dev/null
	cp --sparse=always build/disk.img "$LOGDIR/poweroff.img"
	poweroff_case sigkill kill halt_on_init_exit=1 3 "init was killed by signal 9; powering off"
	poweroff_case sigsegv segv "" 3 "init was killed by signal 11, but init must not end"
	poweroff_case exit0 0 halt_on_init_exit=1 1 "init exited with status 0; powering off"
	poweroff_case exit0-noflag 0 "" 3 "init exited with status 0, but init must not end"
}

# An S5FS image of the default disk's tree plus more files: the disks of
# the busybox and fuzz steps.
extra_image() {	# image [source destination]...
	local img=$1 stage="$1.root"
	shift
	fs_tools
	rm -rf "$stage"
	cp -a build/disk-root "$stage"
	while [ $# -ge 2 ]; do
		mkdir -p "$stage/$(dirname "$2")"
		cp -a "$1" "$stage/$2"
		shift 2
	done
	"$MKFS" -s 128M -u 0:0 "$img" "$stage" >/dev/null
}

# The BusyBox session (user/tests/busybox/session.sh) on M-OS: Debian's
# busybox-static:i386 (fetched by tools/deps.sh) on a copy of the default
# disk's tree, started as init: `busybox sh session.sh /bin/busybox`.
# Its bbtest: lines are counted like a suite's; the host test busybox
# runs the same session on Linux.
BUSYBOX=build/deps/busybox/bin/busybox
run_busybox() {
	local img="$LOGDIR/busybox.img" log="$LOGDIR/busybox.log"
	if [ ! -x "$BUSYBOX" ]; then
		fail_case "busybox: $BUSYBOX is missing: run tools/deps.sh" /dev/null
		return
	fi
	if ! extra_image "$img" "$BUSYBOX" bin/busybox \
			user/tests/busybox/session.sh tests/busybox/session.sh; then
		fail_case "busybox: mkfs.s5fs failed" /dev/null
		return
	fi
	BOOT_HDA=$img qemu_boot 128M \
		"init=/bin/busybox sh /tests/busybox/session.sh /bin/busybox halt_on_init_exit=1" "$log"
	local status=$?
	BOOT_HDA=""
	tally_boot "busybox session" "$log" $status bbtest
}

# The fuzzers (user/tests/fuzz, doc/testing.md "Fuzzing"): their runall
# boots as init on a disk that holds them in /tests/fuzz, with the seed
# and scale as environment words on the kernel command line.  make test
# uses the fixed seed and scale 1; `make fuzz` a random seed (printed)
# and FUZZ_SCALE (default 20); FUZZ_SEED=N replays a run.
FUZZ_SEED=${FUZZ_SEED:-20261204}
FUZZ_SCALE=${FUZZ_SCALE:-1}
# The file-system fuzzer's two originals: a small tree as an S5FS
# without and with a journal.
fuzz_fs_images() {	# directory
	local tree="$1/tree"
	rm -rf "$tree"
	mkdir -p "$tree/a/b/c" "$tree/d"
	echo hello > "$tree/hello.txt"
	head -c 90000 /dev/zero | tr '\0' 'x' > "$tree/a/big"	# indirect blocks
	seq 1 2000 > "$tree/a/b/numbers"
	ln -s ../hello.txt "$tree/a/link"
	for f in 1 2 3 4 5 6 7 8; do echo "$f" > "$tree/d/f$f"; done
	"$MKFS" -s 1M -i 64 -j 0 -u 0:0 "$1/plain.img" "$tree" >/dev/null &&
		"$MKFS" -s 1M -i 64 -j 16 -u 0:0 "$1/journal.img" "$tree" >/dev/null
}

run_fuzz() {
	local img="$LOGDIR/fuzz.img" log="$LOGDIR/fuzz.log" args=() f
	fs_tools
	mkdir -p "$LOGDIR/fuzz-fs"
	if ! fuzz_fs_images "$LOGDIR/fuzz-fs"; then
		fail_case "fuzz: mkfs.s5fs of the file-system fuzzer's images failed" /dev/null
		return
	fi
	for f in build/user/fuzz/* "$LOGDIR"/fuzz-fs/*.img; do
		args+=("$f" "tests/fuzz/$(basename "$f")")
	done
	if ! extra_image "$img" "${args[@]}"; then
		fail_case "fuzz: mkfs.s5fs failed" /dev/null
		return
	fi
	echo "fuzz: seed $FUZZ_SEED, scale $FUZZ_SCALE"
	BOOT_HDA=$img TIMEOUT=$((USER_TIMEOUT * FUZZ_SCALE)) QEMU_CPU=$SMAP_CPU qemu_boot "$USER_MEM" \
		"init=/tests/fuzz/runall MOS_FUZZ_SEED=$FUZZ_SEED MOS_FUZZ_SCALE=$FUZZ_SCALE halt_on_init_exit=1" "$log"
	local status=$?
	BOOT_HDA=""
	TIMEOUT=$((USER_TIMEOUT * FUZZ_SCALE)) tally_boot "fuzz (seed $FUZZ_SEED)" "$log" $status utest
	# The seed reached the fuzzers through init's environment.
	if tr -d '\r' <"$log" | grep -a -q "seed $FUZZ_SEED, scale $FUZZ_SCALE "; then
		passed=$((passed + 1))
	else
		fail_case "fuzz: the fuzzers did not report seed $FUZZ_SEED" "$log"
	fi
}

declare -A host_tests=()
[ -f user/tests/busybox/host.sh ] && host_tests[busybox]=user/tests/busybox/host.sh
[ -f bench/selftest.sh ] && host_tests[bench]=bench/selftest.sh
[ -f tools/tests/run.sh ] && host_tests[tools]=tools/tests/run.sh
[ -f user/tests/host/run.sh ] && host_tests[userland]=user/tests/host/run.sh
[ -f user/tests/os/host_run.sh ] && host_tests[usertests]=user/tests/os/host_run.sh
[ -f user/tests/sh/run.sh ] && host_tests[shell]=user/tests/sh/run.sh
[ -f tools/tests/any_host.sh ] && host_tests[anyhost]=tools/tests/any_host.sh
[ -f tools/tests/iso_boot.sh ] && host_tests[iso]=tools/tests/iso_boot.sh
[ -f tools/tests/powercut_short.sh ] && host_tests[powercut]=tools/tests/powercut_short.sh

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
	in_list "$suite" "$FS_STEP_SUITES" && continue
	for mem in $MEMS; do
		fs_prepare "$suite"
		run_kernel_suite "$suite" "$mem"
		fs_verify "$suite" "$mem"
	done
	if in_list "$suite" "$SMAP_SUITES"; then	# once more with SMEP and SMAP on
		QEMU_CPU=$SMAP_CPU qemu_boot "${MEMS%% *}" "test=$suite smap_required=1" \
			"$LOGDIR/$suite-cpu-$SMAP_CPU.log"
		tally_boot "$suite (-cpu $SMAP_CPU)" "$LOGDIR/$suite-cpu-$SMAP_CPU.log" $? ktest
	fi
	ran=1
done
if [ -z "$only" ] || [ "$only" = persistence ]; then
	run_persistence
	ran=1
fi
if [ -z "$only" ] || [ "$only" = s5fs_corrupt_root ]; then
	run_corrupt_root
	ran=1
fi
if [ -z "$only" ] || [ "$only" = user ]; then
	run_user_suites
	ran=1
fi
if [ -z "$only" ] || [ "$only" = fuzz ]; then
	run_fuzz
	ran=1
fi
if [ -z "$only" ] || [ "$only" = busybox_session ]; then
	run_busybox
	ran=1
fi
if [ -z "$only" ] || [ "$only" = poweroff ]; then
	run_poweroff
	ran=1
fi
for suite in $panic_suites; do
	[ -n "$only" ] && [ "$only" != "$suite" ] && continue
	message=$(tr -d '\r' <"$LOGDIR/list.log" | sed -n "s/^ktest: panic suite $suite: //p")
	if in_list "$suite" "$SMAP_SUITES"; then
		QEMU_CPU=$SMAP_CPU run_panic_suite "$suite" "$message"
	else
		run_panic_suite "$suite" "$message"
	fi
	ran=1
done
# How the host runs the build's i386 programs, decided once here for
# every host test (they inherit the answer: tools/i386-exec.sh).
if [ -z "$only" ] || [ -n "${host_tests[$only]:-}" ]; then
	source tools/i386-exec.sh
	i386_init
fi
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
