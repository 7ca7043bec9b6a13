#!/usr/bin/env bash
# Power-cut harness (doc/testing.md): N times, boot M-OS on a copy of the
# default disk running the writer workload (/tests/pcwriter: creates,
# appends, renames, unlinks, each fsynced, announced on the serial
# console), kill QEMU with SIGKILL at a random moment, replay the
# journal on the host (fsck.s5fs -r, as a mount would), require the
# image fsck-clean, and check that every fsynced file is intact
# (tools/powercut/pccheck.c).
#
#   tools/powercut.sh N [SEED]
#
# SEED (default: from the clock, printed) fixes the writer's seed and the
# moment of each cut: trial i uses SEED+i, so `tools/powercut.sh 1 S`
# repeats trial S's cut.  The cut falls PC_MIN_MS .. PC_MIN_MS+PC_SPAN_MS
# after QEMU starts.  Images and logs of failed trials stay in
# build/powercut/.  Ends with "powercut: C of N clean, L fsynced files
# lost"; exit 0 only if all were clean and nothing was lost.
set -u
cd "$(dirname "$0")/.."
N=${1:?usage: tools/powercut.sh N [SEED]}
SEED=${2:-$(( $(date +%s) % 100000 ))}
PC_MIN_MS=${PC_MIN_MS:-1500}
PC_SPAN_MS=${PC_SPAN_MS:-3000}
OUT=build/powercut
FSCK=build/tools/fsck.s5fs
EXTRACT=build/tools/s5extract
CHECK=$OUT/pccheck

make -s >/dev/null || { echo "powercut: build failed"; exit 2; }
mkdir -p "$OUT"
gcc -O2 -Wall -Wextra -Werror -o "$CHECK" tools/powercut/pccheck.c || exit 2
echo "powercut: $N cuts, seed $SEED"

clean=0 lostfiles=0 durable=0
for ((i = 0; i < N; i++)); do
	s=$((SEED + i))
	RANDOM=$s
	ms=$((PC_MIN_MS + (RANDOM * 32768 + RANDOM) % PC_SPAN_MS))
	img=$OUT/trial-$s.img log=$OUT/trial-$s.log dir=$OUT/trial-$s.files
	cp --sparse=always "${PC_DISK:-build/disk.img}" "$img"
	rm -rf "$dir"
	qemu-system-i386 -accel tcg -m 64M -kernel build/kernel.elf -no-reboot \
		-append "init=/tests/pcwriter $s" -display none -monitor none -serial stdio \
		-drive "file=$img,format=raw,if=ide,index=0" >"$log" 2>&1 &
	qpid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	ok=1
	if ! "$FSCK" -r "$img" >"$log.fsck" 2>&1; then
		ok=0
		echo "powercut: seed $s (cut at ${ms} ms): not fsck-clean after replay:"
		sed 's/^/    | /' "$log.fsck" | head -n 8
	fi
	mkdir -p "$dir"
	if ! "$EXTRACT" "$img" "$dir" /tmp/pc >"$log.extract" 2>&1 && grep -a -q "P OK" "$log"; then
		ok=0
		echo "powercut: seed $s: cannot extract /tmp/pc"
		sed 's/^/    | /' "$log.extract" | head -n 4
	fi
	if ! "$CHECK" "$log" "$dir/pc" >"$log.check" 2>&1; then
		ok=0
		echo "powercut: seed $s (cut at ${ms} ms): fsynced data lost:"
		sed 's/^/    | /' "$log.check" | tail -n 8
	fi
	n=$(sed -n 's/^pccheck: \([0-9]*\) fsynced files, \([0-9]*\).*/\1 \2/p' "$log.check")
	if [ -n "$n" ]; then
		durable=$((durable + ${n%% *}))
		lostfiles=$((lostfiles + ${n##* }))
	fi
	replay=$(grep -o "replayed transaction [0-9]*" "$log.fsck" | head -n 1)
	if [ $ok = 1 ]; then
		clean=$((clean + 1))
		echo "powercut: seed $s: cut at ${ms} ms: clean${replay:+ ($replay)}; $(tail -n 1 "$log.check")"
		rm -rf "$img" "$dir" "$log" "$log".*
	fi
done
echo "powercut: $clean of $N clean, $lostfiles fsynced files lost ($durable checked), seed $SEED"
[ "$clean" = "$N" ] && [ "$lostfiles" = 0 ]
