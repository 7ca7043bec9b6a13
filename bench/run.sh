#!/bin/bash
# bench/run.sh - what `make bench` runs: the same static mbench binary on
# Linux and on M-OS, each booted in turn in the same emulator with the same
# CPU model and memory, then one report of medians and M-OS/Linux ratios.
#
# Steps: install what is missing (qemu-system-x86, gcc-multilib, cpio,
# qemu-user); build build/bench/{mbench,init}; fetch Debian's i386 kernel
# package with apt into build/bench/linux (downloaded, never installed on
# this host); list the benchmarks and measure the TSC with mbench on this
# host (natively, or through qemu-i386 where the host cannot execute i386
# programs: tools/i386-exec.sh);
# pack a tiny initramfs whose /init runs mbench and powers off; boot Linux
# and M-OS in turn, BENCH_REPEAT times each; write
# bench/results/latest.md and latest.svg.  Raw logs stay in
# build/bench/runs/.  See doc/benchmarks.md for the method and its limits.
#
# Environment (defaults): BENCH_REPEAT (3) boots per kernel, BENCH_CPU
# (qemu32), BENCH_MEM (256M), BENCH_LINUX_PKG (linux-image-686, the
# non-PAE flavour: two-level paging like M-OS), BENCH_LINUX_TIMEOUT and
# BENCH_MOS_TIMEOUT (300 s per boot), BENCH_START_TIMEOUT (60 s to the
# first user program), BENCH_IDLE_TIMEOUT (150 s without output),
# BENCH_LINUX_APPEND (the Linux command line), BENCH_MOS_KERNEL
# (build/kernel.elf), BENCH_MOS_DISK (build/disk.img, which must hold
# /bin/mbench; it is copied first, the benchmarks write to the copy),
# BENCH_MOS_INODES (65536: without BENCH_MOS_DISK, the M-OS disk is made
# afresh from build/disk-root with this many inodes, since the dir_ rows
# put 50,000 files in one directory and the default disk has 4096).
set -u -o pipefail
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$TOP/build/bench
RUNS=$OUT/runs
RESULTS=$TOP/bench/results
REPEAT=${BENCH_REPEAT:-3}
CPU=${BENCH_CPU:-qemu32}
MEM=${BENCH_MEM:-256M}
LINUX_PKG=${BENCH_LINUX_PKG:-linux-image-686}
LINUX_TIMEOUT=${BENCH_LINUX_TIMEOUT:-300}
MOS_TIMEOUT=${BENCH_MOS_TIMEOUT:-300}
START_S=${BENCH_START_TIMEOUT:-60}
IDLE_S=${BENCH_IDLE_TIMEOUT:-150}
MOS_KERNEL=${BENCH_MOS_KERNEL:-$TOP/build/kernel.elf}
MOS_DISK=${BENCH_MOS_DISK:-$TOP/build/disk.img}
MOS_INODES=${BENCH_MOS_INODES:-65536}
MOS_DISK_SIZE=128M
LINUX_APPEND=${BENCH_LINUX_APPEND:-"console=ttyS0 mitigations=off quiet panic=1"}
MOS_APPEND="init=/bin/mbench halt_on_init_exit=1"
APT_TRIES=20
APT_WAIT_S=15

source "$TOP/tools/i386-exec.sh"

say() { echo "bench: $*" >&2; }
die() { say "error: $*"; exit 1; }

# apt-get ARGS...: waits for the dpkg lock, and retries while another apt
# holds a lock it does not wait for (the package lists).
apt_run() {
    local try log
    log=$(mktemp)
    for ((try = 1; try <= APT_TRIES; try++)); do
        if DEBIAN_FRONTEND=noninteractive apt-get \
                -o DPkg::Lock::Timeout=300 "$@" >"$log" 2>&1; then
            rm -f "$log"
            return 0
        fi
        grep -qi 'could not get lock\|unable to lock' "$log" || break
        say "apt is busy; trying again in $APT_WAIT_S s"
        sleep "$APT_WAIT_S"
    done
    grep '^E:' "$log" | sort -u >&2 || cat "$log" >&2
    rm -f "$log"
    return 1
}

ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "not root: install ${missing[*]} first"
    apt_run update -q || say "apt-get update reported errors; going on"
    apt_run install -y -q --no-install-recommends "${missing[@]}" ||
        die "cannot install ${missing[*]}"
}

# Debian's i386 kernel, extracted from its package into build/bench/linux.
# apt runs on private lists and cache there, for i386 only, so the host's
# package configuration (architectures, lists) is left untouched.
fetch_linux() {
    local dir=$OUT/linux apt=$OUT/linux/apt pkg deb debs opts
    [ -s "$dir/vmlinuz" ] && [ -s "$dir/version" ] && return 0
    say "fetching $LINUX_PKG (i386) with apt; it is not installed here"
    rm -rf "$apt" "$dir/x"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/x"
    opts=(-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
          -o APT::Architecture=i386 -o APT::Architectures=i386)
    apt_run "${opts[@]}" update -q ||
        say "apt-get update reported errors; going on with what it fetched"
    pkg=$(apt-cache "${opts[@]}" depends "$LINUX_PKG" 2>/dev/null |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    [ -n "$pkg" ] || die "apt knows no i386 package $LINUX_PKG"
    (cd "$apt" && apt_run "${opts[@]}" download "$pkg") ||
        die "cannot download $pkg"
    debs=("$apt"/*.deb)
    deb=${debs[0]}
    dpkg-deb --fsys-tarfile "$deb" |
        tar -x -C "$dir/x" --wildcards './boot/vmlinuz-*' ||
        die "no kernel in $deb"
    cp "$dir"/x/boot/vmlinuz-* "$dir/vmlinuz"
    # shellcheck disable=SC2016 # dpkg-deb expands these, not the shell
    dpkg-deb --showformat='${Package} ${Version}\n' -W "$deb" > "$dir/version"
    rm -rf "$apt" "$dir/x"
}

# A gzipped newc cpio holding /init, /mbench and empty mount points.
build_initrd() {
    local root=$OUT/initramfs
    rm -rf "$root"
    mkdir -p "$root/dev" "$root/proc" "$root/tmp"
    cp "$OUT/init" "$root/init"
    cp "$OUT/mbench" "$root/mbench"
    (cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --quiet) |
        gzip -9 > "$OUT/initrd.gz" || die "cannot pack the initramfs"
}

# run_logged LOG LIMIT CMD...: run CMD with no input for at most LIMIT
# seconds; every output line is stamped with the host time it arrived,
# after a first line stamped with the time CMD was started.  CMD is also
# stopped early when no user program has started after START_S seconds,
# or when it has printed nothing for IDLE_S seconds (longer than mbench's
# own time limit for one benchmark): a kernel that drops into its shell
# instead of running mbench costs START_S, not LIMIT.
run_logged() {
    local log=$1 limit=$2 line fd pid t0 wait started=0 rc
    shift 2
    t0=$EPOCHREALTIME
    exec {fd}< <(exec timeout -k 5 "$limit" "$@" </dev/null 2>&1)
    pid=$!
    {
        echo "$t0 # start"
        while :; do
            wait=$IDLE_S
            if [ "$started" = 0 ]; then
                wait=$((START_S - (${EPOCHREALTIME/./} - ${t0/./}) / 1000000))
                [ "$wait" -gt 0 ] || wait=1
            fi
            IFS= read -r -t "$wait" line <&"$fd"
            rc=$?
            if [ "$rc" = 0 ]; then
                printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
                [[ $line == *"first_tsc"* ]] && started=1
                continue
            fi
            [ -z "$line" ] || printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
            if [ "$rc" -gt 128 ]; then
                echo "$EPOCHREALTIME # stopped: silent for $wait s" \
                     "(user program started: $started)"
                kill -TERM "$pid" 2>/dev/null
            fi
            break
        done
        wait "$pid"
        echo "$EPOCHREALTIME # exit $?"
    } > "$log"
    exec {fd}<&-
}

boot_linux() {
    run_logged "$RUNS/linux.$1.log" "$LINUX_TIMEOUT" \
        qemu-system-i386 -accel tcg -m "$MEM" -cpu "$CPU" -nographic \
        -no-reboot -kernel "$OUT/linux/vmlinuz" -initrd "$OUT/initrd.gz" \
        -append "$LINUX_APPEND"
}

# The disk M-OS boots: the default disk's tree with room for the dir_
# rows' 50,000 files, or a copy of BENCH_MOS_DISK when one is given.
make_mos_disk() {
    if [ -z "${BENCH_MOS_DISK:-}" ] && [ -d "$TOP/build/disk-root" ] &&
       [ -x "$TOP/build/tools/mkfs.s5fs" ]; then
        rm -f "$OUT/mos-disk.img"
        "$TOP/build/tools/mkfs.s5fs" -s "$MOS_DISK_SIZE" -i "$MOS_INODES" -u 0:0 \
            -o /home/user,1000,1000 "$OUT/mos-disk.img" "$TOP/build/disk-root" >/dev/null
    else
        cp --sparse=always "$MOS_DISK" "$OUT/mos-disk.img"
    fi
}

boot_mos() {
    make_mos_disk || return 1
    run_logged "$RUNS/mos.$1.log" "$MOS_TIMEOUT" \
        qemu-system-i386 -accel tcg -m "$MEM" -cpu "$CPU" \
        -kernel "$MOS_KERNEL" \
        -drive "file=$OUT/mos-disk.img,format=raw,if=ide" \
        -append "$MOS_APPEND" -display none -serial stdio \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot
}

# Why M-OS cannot be booted at all (empty when it can).
mos_missing() {
    if [ ! -f "$MOS_KERNEL" ]; then
        echo "there is no ${MOS_KERNEL#"$TOP"/} (M-OS not built)"
    elif [ ! -f "$MOS_DISK" ]; then
        echo "there is no ${MOS_DISK#"$TOP"/} to hold /bin/mbench"
    fi
}

count_lines() { grep -c "$1" "$2" 2>/dev/null || true; }

main() {
    local i tsc_hz linux_note="" mos_note qemu_ver commit title logs=()

    ensure_packages qemu-system-x86 gcc-multilib cpio qemu-user
    make -s -f "$TOP/bench/Makefile" OUT="$OUT" || die "build failed"
    i386_init "$OUT/mbench" -l >&2
    fetch_linux
    build_initrd
    rm -rf "$RUNS"
    mkdir -p "$RUNS" "$RESULTS"
    run_i386 "$OUT/mbench" -l > "$RUNS/list" || die "mbench -l failed on the host"
    tsc_hz=$(run_i386 "$OUT/mbench" -c | awk '$1 == "tsc_hz" { print $2 }')

    # Alternate the kernels, so a change in the host's load during the run
    # hits both halves alike.  M-OS is given up after a first boot that
    # printed no benchmark line.
    mos_note=$(mos_missing)
    for ((i = 1; i <= REPEAT; i++)); do
        say "Linux boot $i of $REPEAT"
        boot_linux "$i"
        say "  $(count_lines ' bench ' "$RUNS/linux.$i.log") benchmark lines"
        [ -z "$mos_note" ] || continue
        say "M-OS boot $i of $REPEAT"
        if ! boot_mos "$i"; then
            mos_note="the disk image could not be copied"
        elif ! grep -q '^[0-9.]* bench ' "$RUNS/mos.$i.log" && [ "$i" = 1 ]
        then
            mos_note="M-OS ran no benchmark (user mode or /bin/mbench"
            mos_note+=" missing"
            grep -q '# exit 124$' "$RUNS/mos.1.log" &&
                mos_note+="; the boot timed out after $MOS_TIMEOUT s"
            grep -q '# stopped: silent' "$RUNS/mos.1.log" &&
                mos_note+="; no user program had started after $START_S s"
            mos_note+="; see build/bench/runs/mos.1.log)"
        fi
        say "  $(count_lines ' bench ' "$RUNS/mos.$i.log") benchmark lines"
    done
    grep -q '^[0-9.]* bench ' "$RUNS"/linux.*.log ||
        linux_note="Linux ran no benchmark: see build/bench/runs/"

    qemu_ver=$(qemu-system-i386 --version | head -n 1 |
               sed 's/^QEMU emulator version //')
    commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null ||
             echo "no commit yet")
    title="Measured $(date -u '+%Y-%m-%d %H:%M UTC') with QEMU $qemu_ver,"
    title+=" \`-accel tcg -cpu $CPU -m $MEM\`, boots of each kernel: $REPEAT,"
    title+=" on a host CPU \"$(awk -F': ' '/^model name/ { print $2; exit }' \
        /proc/cpuinfo)\" whose TSC runs at $(awk -v h="$tsc_hz" \
        'BEGIN { printf "%.3f", h / 1e9 }') GHz."
    title+=$'\n'"Linux: Debian $(cat "$OUT/linux/version") (\`$LINUX_APPEND\`)."
    title+=" M-OS: commit $commit (\`$MOS_APPEND\`)."
    title+=$'\n'"Figures are time-stamp-counter ticks per operation (lower"
    title+=" is better), the median over boots ± half the spread between"
    title+=" boots; only the ratios mean anything (doc/benchmarks.md)."

    for ((i = 1; i <= REPEAT; i++)); do
        [ -f "$RUNS/linux.$i.log" ] && logs+=(kernel=linux "$RUNS/linux.$i.log")
    done
    for ((i = 1; i <= REPEAT; i++)); do
        [ -f "$RUNS/mos.$i.log" ] && logs+=(kernel=mos "$RUNS/mos.$i.log")
    done
    awk -v md="$RESULTS/latest.md" -v svg="$RESULTS/latest.svg" \
        -v tsc_hz="$tsc_hz" -v title_note="$title" \
        -v linux_note="$linux_note" -v mos_note="$mos_note" \
        -f "$TOP/bench/report.awk" kernel=list "$RUNS/list" "${logs[@]}" ||
        die "report failed"
    cat "$RESULTS/latest.md"
    say "wrote bench/results/latest.md and latest.svg; logs in build/bench/runs/"
    [ -z "$linux_note" ] || die "$linux_note"
}

main "$@"
