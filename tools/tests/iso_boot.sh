#!/usr/bin/env bash
# Host test: the bootable ISO (doc/boot.md, "Booting from an ISO").
# Builds build/mos.iso (make iso), boots it in QEMU from the CD-ROM with
# no hard disk, waits for the shell prompt on the serial console, types a
# session and checks what comes back: the root is the RAM disk, the
# programs are there and run, a file written to /tmp reads back, and
# `halt` powers off with success.  About 15 s.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tools/tests/checks.sh

BOOT_TIMEOUT=${ISO_BOOT_TIMEOUT:-90}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/iso-boot.XXXXXX")
QEMU_PID=""
cleanup() {
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${ISO_KEEP_LOG:-}" ] && trap 'cp "$WORK/serial.log" "$ISO_KEEP_LOG"; cleanup' EXIT

if ! make -s iso >"$WORK/make.log" 2>&1; then
	fail "make iso" "$(tail -n 5 "$WORK/make.log" | tr '\n' ' ')"
	finish
fi
ok "make iso builds build/mos.iso"

# QEMU's serial port reads a FIFO that this script writes the session to.
mkfifo "$WORK/in"
log=$WORK/serial.log
timeout -k 5 "$BOOT_TIMEOUT" qemu-system-i386 -accel tcg -m 256M \
	-cdrom build/mos.iso -boot d -display none -monitor none \
	-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	<"$WORK/in" >"$log" 2>&1 &
QEMU_PID=$!
exec 3>"$WORK/in"

wait_for() {	# text seconds
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tr -d '\r' <"$log" | grep -a -q -F -- "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

if wait_for '/ $ ' "$BOOT_TIMEOUT"; then
	ok "the ISO boots to the shell prompt"
else
	fail "the ISO boots to the shell prompt" "$(tail -n 5 "$log" | tr -d '\r' | tr '\n' '|')"
	finish
fi
# One command at a time: each answer is awaited (in what the console
# printed after the command was typed, so the echo of a command never
# counts as its answer) before the next is typed.
run_cmd() {	# what command expected-text
	local mark
	mark=$(stat -c %s "$log")
	echo "$2" >&3
	local i
	for ((i = 0; i < 300; i++)); do
		if tail -c +"$((mark + 1))" "$log" | tr -d '\r' | grep -a -v -F -- "$2" |
			grep -a -q -w -F -- "$3"; then
			ok "$1"
			return
		fi
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$1" "no [$3] after typing [$2]"
}
nbin=$(ls build/disk-root/bin | wc -l)
run_cmd "/bin on the RAM disk holds the build's $nbin programs" \
	'ls /bin | wc -l' "$nbin"
run_cmd "a file written on the RAM disk reads back" \
	'echo abc > /tmp/iso-file; wc -c /tmp/iso-file' "4 /tmp/iso-file"
run_cmd "programs run (uname -m)" 'uname -m' i686
echo halt >&3
exec 3>&-
wait "$QEMU_PID"
status=$?
QEMU_PID=""
if tr -d '\r' <"$log" | grep -a -q -x -F "vfs: root is s5fs on ram0"; then
	ok "the kernel takes the boot module as ram0"
else
	fail "the kernel takes the boot module as ram0" "no 'vfs: root is s5fs on ram0'"
fi
if [ "$status" -eq 1 ]; then
	ok "halt powers off with success"
else
	fail "halt powers off with success" "QEMU status $status"
fi
finish
