#!/usr/bin/env bash
# Installs the Debian packages M-OS needs to build, boot and test, if any is
# missing.  Idempotent: with everything present it changes nothing and
# prints nothing.  Both README commands run it first.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_cmd make || need+=(make)
have_cmd gcc || need+=(gcc)
have_cmd ld || need+=(binutils)
have_cmd qemu-system-i386 || need+=(qemu-system-x86)
have_cmd timeout || need+=(coreutils)
have_cmd gdb || need+=(gdb)
# qemu-i386 runs the host tests' i386 programs where the kernel cannot
# (no IA32 emulation, sandboxes), and proves that way works everywhere
# (tools/i386-exec.sh, doc/testing.md).
have_cmd qemu-i386 || need+=(qemu-user)
# The bootable ISO (make iso, tools/Makefile.iso): GRUB's BIOS image
# files and grub-mkrescue with xorriso.  grub-pc-bin installs no boot
# loader on the host; it only provides the files.
have_cmd grub-mkrescue || need+=(grub-common)
[ -d /usr/lib/grub/i386-pc ] || need+=(grub-pc-bin)
have_cmd xorriso || need+=(xorriso)
# dash: the reference the shell's host test compares M-OS's sh with
# (user/tests/sh/run.sh; skipped with a note without it).
have_cmd dash || need+=(dash)
# 32-bit libgcc and glibc (kernel helpers, static user programs).
ls /usr/lib/gcc/x86_64-linux-gnu/*/32/libgcc.a >/dev/null 2>&1 || need+=(gcc-multilib)
[ -e /usr/lib32/libc.a ] || [ -e /usr/lib/i386-linux-gnu/libc.a ] || need+=(gcc-multilib)

install_packages() {
	[ ${#need[@]} -eq 0 ] && return 0
	echo "deps: installing ${need[*]}"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null
}

# Debian's busybox-static for i386, a test client (the busybox host step,
# doc/testing.md): fetched with a private apt state for the i386
# architecture, so the host's dpkg configuration is left alone, and
# its binary copied to build/deps/busybox/bin/.  A failure is reported, not fatal:
# only that step needs it, and it names this script when it is missing.
BUSYBOX_DIR=build/deps/busybox
fetch_busybox() {
	local root apt_dir
	root=$(cd "$(dirname "$0")/.." && pwd)
	[ -x "$root/$BUSYBOX_DIR/bin/busybox" ] && return 0
	echo "deps: fetching busybox-static:i386"
	apt_dir=$(mktemp -d "${TMPDIR:-/tmp}/mos-apt.XXXXXX")
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	touch "$apt_dir/status"
	local opts=(-qq -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists"
		    -o "Dir::State::status=$apt_dir/status" -o "Dir::Cache=$apt_dir/cache"
		    -o APT::Architecture=i386 -o APT::Architectures::=i386
		    -o APT::Sandbox::User=root)
	if (cd "$apt_dir" && apt-get "${opts[@]}" update &&
	    apt-get "${opts[@]}" download busybox-static) </dev/null >"$apt_dir/log" 2>&1; then
		dpkg-deb -x "$apt_dir"/busybox-static_*_i386.deb "$apt_dir/unpacked"
		mkdir -p "$root/$BUSYBOX_DIR/bin"
		cp "$apt_dir/unpacked/bin/busybox" "$root/$BUSYBOX_DIR/bin/"
	else
		echo "deps: could not fetch busybox-static:i386 (the busybox test will say so):"
		tail -n 3 "$apt_dir/log"
	fi
	rm -rf "$apt_dir"
}

install_packages
fetch_busybox
