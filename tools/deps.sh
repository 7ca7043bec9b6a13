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
# dash: the reference the shell's host test compares M-OS's sh with
# (user/tests/sh/run.sh; skipped with a note without it).
have_cmd dash || need+=(dash)
# 32-bit libgcc and glibc (kernel helpers, static user programs).
ls /usr/lib/gcc/x86_64-linux-gnu/*/32/libgcc.a >/dev/null 2>&1 || need+=(gcc-multilib)
[ -e /usr/lib32/libc.a ] || [ -e /usr/lib/i386-linux-gnu/libc.a ] || need+=(gcc-multilib)

[ ${#need[@]} -eq 0 ] && exit 0
echo "deps: installing ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null
