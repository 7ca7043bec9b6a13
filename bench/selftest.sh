#!/bin/bash
# bench/selftest.sh - the benchmark program's part of `make test`.
#
# Benchmarks are not timed tests: this only proves that mbench builds and
# runs.  It builds build/bench/mbench and runs one quick pass (mbench -q)
# on this host: natively where it runs static i386 programs, else through
# qemu-i386 (tools/i386-exec.sh says which way; MOS_I386_RUNNER=qemu
# forces it).  One check
# per benchmark of `mbench -l`: it printed a number of ticks, or
# `unsupported` with an errno (a host without, say, /dev/shm may lack a
# feature, which is what `unsupported` is for); a crash, a timeout or a
# missing line fails.  One more check: `mbench done` closes the output.
# Ends with the line "N passed, N failed" and exits non-zero on a failure.
set -u -o pipefail
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$TOP/build/bench
QUICK_TIMEOUT_S=120
passed=0
failed=0

check() {   # check OK MESSAGE
    if [ "$1" = 1 ]; then
        passed=$((passed + 1))
        echo "ok   $2"
    else
        failed=$((failed + 1))
        echo "FAIL $2"
    fi
}

# Static i386 glibc comes with gcc-multilib.
if [ ! -e /usr/lib32/libc.a ] && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=300 gcc-multilib </dev/null >/dev/null 2>&1
fi
if ! make -s -f "$TOP/bench/Makefile" OUT="$OUT" </dev/null; then
    echo "FAIL build of build/bench/mbench"
    echo "0 passed, 1 failed"
    exit 1
fi

source "$TOP/tools/i386-exec.sh"
i386_init "$OUT/mbench" -l

log=$(mktemp)
trap 'rm -f "$log"' EXIT
(cd "$OUT" && timeout -k 5 "$QUICK_TIMEOUT_S" "${I386_RUN[@]}" ./mbench -q) \
    </dev/null >"$log" 2>&1
rc=$?
[ "$rc" = 0 ] || echo "mbench -q exited with status $rc"

while read -r _ name unit _; do
    line=$(grep "^bench $name " "$log" | head -n 1)
    value=$(echo "$line" | awk '{ print $3 }')
    got_unit=$(echo "$line" | awk '{ print $4 }')
    if [[ $value =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "$got_unit" = "$unit" ]; then
        check 1 "$name: $value $unit"
    elif [[ $line =~ ^bench\ $name\ unsupported\ errno=[0-9]+ ]]; then
        check 1 "$name: ${line#bench "$name" }"
    else
        check 0 "$name: expected ticks or unsupported, got '${line:-no line}'"
    fi
done < <(run_i386 "$OUT/mbench" -l </dev/null)

if [ "$(tail -n 1 "$log")" = "mbench done" ]; then
    check 1 "mbench done"
else
    check 0 "mbench done: last line is '$(tail -n 1 "$log")'"
fi
[ "$passed" -gt 1 ] || check 0 "mbench -l listed no benchmark"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
