# tools/i386-exec.sh - how this host runs the build's i386 programs.
# Sourced (bash) by the scripts that run them on the host: the host tests
# (user/tests/host/run.sh, user/tests/os/host_run.sh, bench/selftest.sh,
# tools/tests/any_host.sh), bench/run.sh and tools/run-tests.sh.
#
# The M-OS programs, user tests and mbench are static i386 Linux binaries.
# A Linux host whose kernel cannot execute them (no IA32 emulation, or a
# sandbox: "Exec format error") runs them through qemu-i386, from the
# package qemu-user that tools/deps.sh installs.  After building, call
#
#   i386_init [PROBE [ARG...]]   decide, once, and say so in one line
#   run_i386 PROG [ARG...]       run one i386 program the chosen way
#   "${I386_RUN[@]}" PROG [ARG...]   the same, as words for commands that
#                                take a program (timeout, env): empty, or
#                                the emulator's path and "--"
#   i386_bin_dir DIR SCRATCH     print the directory to use instead of DIR
#                                (on PATH or by path): DIR itself, or,
#                                through qemu-i386, a directory made in
#                                SCRATCH of small scripts, one per program
#                                of DIR, that run it through qemu-i386
#
# The decision: MOS_I386_RUNNER=native or =qemu forces one way; unset (or
# "auto") probes by running PROBE ARG... (default build/user/bin/true;
# MOS_I386_PROBE overrides it, for tests): natively if that works, else
# through qemu-i386 if there is one.  The probe's answer is exported as
# MOS_I386_PROBED, so scripts started from this one (every host test under
# tools/run-tests.sh) take it without probing again.  When the way is
# qemu-i386, MOS_I386_EMULATOR is exported with its absolute path: the
# programs read it where they exec another program (user/include/mos/
# exec.h), since qemu-i386 itself covers only the process it started.
# MOS_I386_QEMU names the emulator (default qemu-i386, found in PATH).
# Nothing here fails: at worst it says what is missing and goes native.
# Being sourced, it sets no shell option; it works under `set -u`.
#
# After i386_init, I386_MODE is "native" or "qemu", and I386_EMULATED is
# 1 when the programs run under an emulator all the same: through
# qemu-i386 here, or "natively" on a host whose kernel hands i386 programs
# to qemu-i386 itself (a binfmt_misc entry, as qemu-user-binfmt makes),
# where the checks an emulator cannot pass are skipped too.

I386_MODE=native
I386_EMULATED=0
I386_RUN=()

# Whether the kernel runs i386 programs through qemu-i386 (binfmt_misc).
i386_binfmt_emulated() {
	local entry
	for entry in /proc/sys/fs/binfmt_misc/*; do
		case ${entry##*/} in register|status) continue ;; esac
		[ -f "$entry" ] && grep -q '^enabled' "$entry" 2>/dev/null &&
			grep -q '^interpreter .*qemu-i386' "$entry" 2>/dev/null && return 0
	done
	return 1
}

# i386_is_program FILE: FILE is an executable 32-bit little-endian ELF
# file for EM_386 (the bytes at offsets 0-5 and 18-19 of its header).
i386_is_program() {
	local h
	[ -f "$1" ] && [ -x "$1" ] || return 1
	h=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n')
	[ "${h:0:12}" = 7f454c460101 ] && [ "${h:36:4}" = 0300 ]
}

# The emulator's absolute path, or nothing.
i386_find_qemu() {
	local qemu=${MOS_I386_QEMU:-qemu-i386} path
	path=$(command -v "$qemu" 2>/dev/null) || return 1
	case $path in
	/*) [ -x "$path" ] && echo "$path" ;;
	*) return 1 ;;
	esac
}

# i386_probe PROBE [ARG...]: prints native when PROBE runs here, else
# qemu when there is a qemu-i386, else none.
i386_probe() {
	if "$@" </dev/null >/dev/null 2>&1; then
		echo native
	elif i386_find_qemu >/dev/null; then
		echo qemu
	else
		echo none
	fi
}

i386_use_native() {	# message...
	I386_MODE=native
	I386_EMULATED=0
	I386_RUN=()
	unset MOS_I386_EMULATOR
	if i386_binfmt_emulated; then
		I386_EMULATED=1
		echo "i386 programs: $* (the kernel runs them through qemu-i386: binfmt_misc)"
	else
		echo "i386 programs: $*"
	fi
}

i386_use_qemu() {	# message...
	local qemu
	I386_MODE=qemu
	I386_EMULATED=1
	if qemu=$(i386_find_qemu); then
		export MOS_I386_EMULATOR=$qemu
		I386_RUN=("$qemu" --)
		echo "i386 programs: $*"
	else
		unset MOS_I386_EMULATOR
		I386_RUN=("${MOS_I386_QEMU:-qemu-i386}" --)	# fails, and says so
		echo "i386 programs: $*, but there is no ${MOS_I386_QEMU:-qemu-i386}:" \
		     "run tools/deps.sh (package qemu-user)"
	fi
}

i386_init() {
	local root probe=() answer
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	case ${MOS_I386_RUNNER:-auto} in
	native)
		i386_use_native "run natively (MOS_I386_RUNNER=native)"
		return 0 ;;
	qemu)
		i386_use_qemu "run through qemu-i386 (MOS_I386_RUNNER=qemu)"
		return 0 ;;
	auto) ;;
	*)
		echo "i386 programs: MOS_I386_RUNNER=$MOS_I386_RUNNER is not auto," \
		     "native or qemu; probing" ;;
	esac

	if [ -n "${MOS_I386_PROBE:-}" ]; then
		probe=("$MOS_I386_PROBE")
	elif [ $# -gt 0 ]; then
		probe=("$@")
	else
		probe=("$root/build/user/bin/true")
	fi
	case ${MOS_I386_PROBED:-} in
	native|qemu)
		answer=$MOS_I386_PROBED ;;
	*)
		if [ ! -e "${probe[0]}" ]; then
			i386_use_native "run natively (not probed: ${probe[0]#"$root"/} is not built)"
			return 0
		fi
		answer=$(i386_probe "${probe[@]}") ;;
	esac
	case $answer in
	native)
		export MOS_I386_PROBED=native
		i386_use_native "run natively" ;;
	qemu)
		export MOS_I386_PROBED=qemu
		i386_use_qemu "run through qemu-i386 (this host cannot execute them)" ;;
	*)
		i386_use_native "this host cannot execute them (${probe[0]#"$root"/}" \
			"did not run) and has no ${MOS_I386_QEMU:-qemu-i386}: run" \
			"tools/deps.sh (package qemu-user); trying natively" ;;
	esac
	return 0
}

run_i386() {	# PROG [ARG...]
	"${I386_RUN[@]}" "$@"
}

# A word for sh, single-quoted.
i386_sh_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

i386_bin_dir() {	# DIR SCRATCH
	local dir=$1 out prog name emu
	if [ "$I386_MODE" != qemu ]; then
		echo "$dir"
		return 0
	fi
	dir=$(cd "$dir" && pwd) || return 1
	out=$2/$(basename "$dir")
	mkdir -p "$out" || return 1
	emu=$(i386_sh_quote "${I386_RUN[0]}")
	for prog in "$dir"/*; do
		i386_is_program "$prog" || continue
		name=$(basename "$prog")
		{
			echo "#!/bin/sh"
			echo "# $name through qemu-i386 (tools/i386-exec.sh)"
			echo "exec $emu -0 \"\$0\" -- $(i386_sh_quote "$prog") \"\$@\""
		} > "$out/$name"
		chmod 755 "$out/$name"
	done
	echo "$out"
}
