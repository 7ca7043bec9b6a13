# A BusyBox session: one busybox sh script, run on M-OS (the busybox step
# of tools/run-tests.sh boots it as init) and on the host's Linux (host
# test busybox), with the same written expectations, so the session shows
# M-OS giving stock BusyBox applets what Linux gives them.  Checks hold on
# any Linux too: they test meaning (a process we started is listed by ps,
# free's total matches /proc/meminfo), not one machine's numbers.
#
#   busybox sh session.sh BUSYBOX-PATH
#
# Prints `bbtest: ok - WHAT` or `bbtest: FAIL - WHAT (expected ..., got
# ...)` per check, then `bbtest: total: P passed, F failed`; exits 0 only
# when nothing failed.
BB=$1
pass=0
fail=0
ok() { echo "bbtest: ok - $1"; pass=$((pass + 1)); }
bad() { echo "bbtest: FAIL - $1 ($2)"; fail=$((fail + 1)); }
same() {	# what expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected [$2], got [$3]"; fi
}
match() {	# what extended-regex actual
	if echo "$3" | grep -E -q -- "$2"; then ok "$1"; else bad "$1" "[$3] does not match /$2/"; fi
}

T=/tmp/bbtest.$$
rm -rf "$T"
mkdir -p "$T/bin" || { echo "bbtest: cannot make $T"; exit 1; }
for applet in $("$BB" --list); do
	ln -s "$BB" "$T/bin/$applet"
done
PATH=$T/bin
export PATH
cd "$T" || exit 1
same "applets installed" yes "$([ -x "$T/bin/ls" ] && [ -x "$T/bin/awk" ] && echo yes)"

# Files and text.
echo "one two three" > f1
printf 'b\na\nc\na\n' > f2
same "echo and cat" "one two three" "$(cat f1)"
same "printf" "x=42 y=ab" "$(printf 'x=%d y=%s' 42 ab)"
same "wc" "4 4 8" "$(wc f2 | awk '{print $1, $2, $3}')"
same "sort | uniq -c" "2 a,1 b,1 c" "$(sort f2 | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? "," : ""), $1, $2}')"
same "head and tail" "b c" "$(head -n 1 f2) $(tail -n 2 f2 | head -n 1)"
same "cut" "two" "$(cut -d ' ' -f 2 f1)"
same "tr" "ONE TWO THREE" "$(tr a-z A-Z < f1)"
same "sed" "one 2 three" "$(sed 's/two/2/' f1)"
same "grep -c" "2" "$(grep -c a f2)"
same "awk sums" "55" "$(seq 1 10 | awk '{s += $1} END {print s}')"
same "seq and xargs" "1 2 3" "$(seq 3 | xargs echo)"
same "expr" "7" "$(expr 3 + 4)"
same "basename, dirname" "c /a/b" "$(basename /a/b/c) $(dirname /a/b/c)"
same "md5sum" "d41d8cd98f00b204e9800998ecf8427e" "$(printf '' | md5sum | cut -d ' ' -f 1)"
same "sha256sum" "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" \
	"$(printf abc | sha256sum | cut -d ' ' -f 1)"
same "od" "61 62 0a" "$(echo ab | od -An -tx1 | xargs echo)"
same "tee" "hi hi" "$(echo hi | tee f3) $(cat f3)"
same "yes | head" "y y y" "$(yes | head -n 3 | xargs echo)"
same "rev and tac" "cba 2" "$(echo abc | rev) $(printf '1\n2\n' | tac | head -n 1)"

# The file system.
mkdir -p d/e && touch d/e/g && ln -s d/e lnk && cp f1 d/copy && mv d/copy d/moved
same "mkdir -p, touch, ls" "e moved" "$(ls d | xargs echo)"
same "symlink and readlink" "d/e" "$(readlink lnk)"
same "ls through a symlink" "g" "$(ls lnk)"
same "find" "./d/e/g" "$(find . -name g)"
same "stat -c" "14 regular file" "$(stat -c '%s %F' f1)"
chmod 640 f1
same "chmod" "-rw-r-----" "$(ls -l f1 | cut -c 1-10)"
same "du -s" "yes" "$(du -s d | awk '{ if ($1 >= 0) print "yes" }')"
echo abc > t.txt && tar cf t.tar t.txt && rm t.txt && tar xf t.tar
same "tar round trip" "abc" "$(cat t.txt)"
gzip -c f2 > f2.gz
same "gzip and gunzip" "$(cat f2)" "$(gunzip -c f2.gz)"
rm -r d lnk && rmdir "$T/none" 2>/dev/null
same "rm -r and rmdir of a missing dir" "no" "$([ -e d ] && echo yes || echo no)"
mkfifo p1 && (echo through-fifo > p1 &) && same "mkfifo" "through-fifo" "$(cat p1)"
same "test -p" "fifo" "$([ -p p1 ] && echo fifo)"
sync && ok "sync"

# The system.
match "uname -m" '^(i[3-6]86|x86_64)$' "$(uname -m)"	# x86_64: a 64-bit host kernel
match "uname -s" '^(Linux|M-OS)$' "$(uname -s)"
match "id" '^uid=[0-9]+(\([a-z_0-9]+\))? gid=[0-9]+' "$(id)"
same "id -u agrees with whoami's user" "$(id -un)" "$(whoami)"
match "date" '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' "$(date +%Y-%m-%d)"
match "nproc" '^[1-9][0-9]*$' "$(nproc)"
match "hostname" '^[A-Za-z0-9.-]+$' "$(hostname)"
match "uptime" 'load average' "$(uptime)"
same "free: a total no smaller than used or free" yes \
	"$(free | awk '/^Mem:/ { print ($2 > 0 && $2 >= $3 && $2 >= $4) ? "yes" : $0 }')"
match "/proc/meminfo" '^MemTotal: +[1-9][0-9]* kB$' "$(grep '^MemTotal:' /proc/meminfo)"
match "df lists the root" ' /$' "$(df / | tail -n 1)"
match "mount lists the root" ' on / type ' "$(mount)"
match "dmesg prints the kernel log" '.' "$(dmesg 2>&1 | head -n 1)"
sleep 30 &
sleeper=$!
match "ps lists a process we started" "^ *$sleeper .*sleep" "$(ps | grep -v grep | grep "^ *$sleeper ")"
match "top -b -n 1" "^ *$sleeper .*sleep" "$(top -b -n 1 | grep "^ *$sleeper ")"
same "pidof" "$sleeper" "$(pidof sleep | tr ' ' '\n' | grep -x "$sleeper")"
kill -STOP "$sleeper"
usleep 200000
same "kill -STOP stops the job" "T" "$(awk '{print $3}' /proc/$sleeper/stat)"
kill -CONT "$sleeper"
usleep 200000
match "kill -CONT continues it" '^[RS]$' "$(awk '{print $3}' /proc/$sleeper/stat)"
kill -STOP "$sleeper"
kill "$sleeper"
kill -CONT "$sleeper"
wait "$sleeper"
same "a stopped job killed by SIGTERM: wait says 143" 143 "$?"
start=$(date +%s)
sleep 1 &
wait
end=$(date +%s)
match "sleep 1 & wait returns after about a second" '^[12]$' "$((end - start))"
same "timeout kills with SIGTERM" 143 "$(timeout 1 sleep 5 2>/dev/null; echo $?)"
same "env" "v=1" "$(env -i v=1 env)"

cd / && rm -rf "$T"
echo "bbtest: total: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
