# tools/tests/fsck_repair.sh - fsck.s5fs -y checks for tools/tests/run.sh
# (sourced; uses its WORK, BIN, FSCK, EXTRACT, BSRC, BASE and C).
#
# repair_cycle WHAT [DAMAGED...]: on the corrupted image $C (which
#   `fsck.s5fs -n` has just judged), -y must exit 1, then -n exit 0 and a
#   second -y exit 0 without changing a byte; the files of the source tree
#   must come out of the repaired image intact, except the DAMAGED names
#   (basenames, as diff -x takes them; `-` skips the comparison).
# repair_unfixable WHAT: -y must exit 4 and leave $C as it was.
# random_repairs N IMAGE: N copies of IMAGE (made from $BSRC) with random
#   bytes written over metadata blocks (tools/tests/s5mangle.c, seeds
#   1..N): fsck -y under a time limit must not crash and must leave each
#   image clean for -n.  A failing image is kept as $WORK/random-fail-SEED.img.

# run_fsck ARGS...: fsck.s5fs's status in $st, its output in $WORK/fsck.out
run_fsck() {
	timeout 30 "$FSCK" "$@" >"$WORK/fsck.out" 2>&1
	st=$?
}

repair_cycle() {
	local what="repair: $1" x
	shift
	run_fsck -y "$C"
	if [ $st -ne 1 ]; then
		fail "$what" "-y status $st, expected 1: $(tail -n 4 "$WORK/fsck.out" | tr '\n' ' ')"
		return
	fi
	run_fsck -n "$C"
	if [ $st -ne 0 ]; then
		fail "$what" "-n after -y: status $st: $(head -n 4 "$WORK/fsck.out" | tr '\n' ' ')"
		return
	fi
	cp "$C" "$WORK/repaired"
	run_fsck -y "$C"
	if [ $st -ne 0 ] || ! cmp -s "$C" "$WORK/repaired"; then
		fail "$what" "a second -y: status $st or the image changed"
		return
	fi
	[ "${1:-}" = - ] && { ok "$what"; return; }
	local excl=(-x lost+found)
	for x in "$@"; do excl+=(-x "$x"); done
	rm -rf "$WORK/rep"
	"$EXTRACT" "$C" "$WORK/rep" >/dev/null 2>&1
	if ! diff -r --no-dereference "${excl[@]}" "$BSRC" "$WORK/rep" >"$WORK/diff.out" 2>&1; then
		fail "$what" "undamaged files differ: $(head -n 3 "$WORK/diff.out" | tr '\n' ' ')"
		return
	fi
	ok "$what"
}

repair_unfixable() {
	cp "$C" "$WORK/before"
	run_fsck -y "$C"
	if [ $st -ne 4 ] || ! cmp -s "$C" "$WORK/before"; then
		fail "repair: $1 is left alone" "-y status $st (expected 4), or the image changed"
	else
		ok "repair: $1 is left alone"
	fi
}

random_repairs() {
	local n=$1 img=$2 seed bad=0 crashed=0 unclean=0 first=""
	local meta=(0) b js
	# metadata blocks: the superblock (past its geometry), the inode table,
	# the journal's header and descriptor, the directories' blocks and
	# /big's indirect block
	for ((b = 1; b <= $("$DBG" "$img" get sb inode_blocks); b++)); do meta+=("$b"); done
	js=$("$DBG" "$img" get sb journal_start)
	[ "$js" != 0 ] && meta+=("$js" $((js + 1)))
	for d in / /d1 /d1/d2 /list; do meta+=("$("$DBG" "$img" bmap "$d" 0)"); done
	meta+=("$("$DBG" "$img" bmap /list 1)" "$("$DBG" "$img" get inode /big indirect)")
	gcc -O2 -Wall -Wextra -Werror -std=gnu11 -Ikernel/include -o "$BIN/s5mangle" tools/tests/s5mangle.c
	for ((seed = 1; seed <= n; seed++)); do
		cp "$img" "$C"
		"$BIN/s5mangle" "$C" "$seed" "${meta[@]}"
		run_fsck -y "$C"
		if [ $st -ge 5 ]; then
			crashed=$((crashed + 1))
		else
			run_fsck -n "$C"
			[ $st -ne 0 ] && unclean=$((unclean + 1))
		fi
		if [ $st -ne 0 ]; then
			bad=$((bad + 1))
			[ -z "$first" ] && first="seed $seed: status $st: $(head -n 3 "$WORK/fsck.out" | tr '\n' ' ')"
			cp "$C" "$WORK/random-fail-$seed.img"
		fi
	done
	if [ $bad -eq 0 ]; then
		ok "random damage to metadata blocks of $(basename "$img"): $n of $n images repaired, clean on a second run"
	else
		fail "random damage to metadata blocks of $(basename "$img")" "$crashed crashed or hung, $unclean not clean after -y; first: $first"
	fi
}
