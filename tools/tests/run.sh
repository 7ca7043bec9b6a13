#!/usr/bin/env bash
# Host tests for the S5FS tools (tools/s5fs, doc/fs.md).
#
# Builds the tools with gcc straight from the sources (no Makefile
# needed), then: builds an image from a generated tree (nested
# directories, files at every block-map boundary up to double-indirect,
# sparse files, an empty file, symlinks, hard links, names at the length
# limit, a directory of 2000 entries, device nodes from -n and -D), checks
# it with fsck.s5fs, extracts it and compares it with the source; checks
# that mkfs.s5fs refuses what it cannot store; then damages copies of a
# small image in many specific ways and checks that fsck.s5fs exits 1 with
# the right message, and feeds it (and s5extract) random garbage, which
# must never crash them.  Random data comes from awk with fixed seeds, so
# every run is the same.
#
# Each check prints `ok - WHAT` or `FAIL - WHAT (DETAILS)`; the last line is
# `N passed, N failed` and the exit status is non-zero if anything failed.
# Runs from any directory, works in a temporary directory under /tmp and
# removes it on exit.
set -u
cd "$(dirname "$0")/../.."

WORK=$(mktemp -d "${TMPDIR:-/tmp}/s5fs-tests.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
BIN=$WORK/bin
source tools/tests/checks.sh
check() {	# description command...: ok when the command succeeds
	local what=$1
	shift
	if "$@" >"$WORK/check.out" 2>&1; then
		ok "$what"
	else
		fail "$what" "$(head -c 600 "$WORK/check.out" | tr '\n' ' ')"
	fi
}

# ---- build ------------------------------------------------------------------
build_tools() {
	local cflags="-O2 -Wall -Wextra -Werror -std=gnu11 -Ikernel/include"
	local lib="tools/s5fs/s5img.c tools/s5fs/s5file.c tools/s5fs/s5dir.c"
	mkdir -p "$BIN"
	gcc $cflags -o "$BIN/mkfs.s5fs" $lib tools/s5fs/mkfs.c tools/s5fs/mkfs_tree.c \
		tools/s5fs/mkfs_write.c &&
	gcc $cflags -o "$BIN/fsck.s5fs" $lib tools/s5fs/fsck.c tools/s5fs/fsck_super.c \
		tools/s5fs/fsck_inode.c tools/s5fs/fsck_free.c tools/s5fs/fsck_dir.c tools/s5fs/s5journal.c \
		tools/s5fs/fsck_fix.c tools/s5fs/fsck_fix_map.c tools/s5fs/fsck_fix_tree.c &&
	gcc $cflags -o "$BIN/s5extract" $lib tools/s5fs/s5extract.c &&
	gcc $cflags -o "$BIN/s5dbg" $lib tools/s5fs/s5dbg.c &&
	# The on-disk header must also build as the kernel builds it.
	echo '#include "fs/s5fs_disk.h"' | gcc -m32 -ffreestanding -std=gnu11 -Wall -Wextra \
		-Werror -Ikernel/include -x c -c - -o "$WORK/header32.o"
}
if build_tools >"$WORK/build.log" 2>&1; then
	ok "tools build with -Wall -Wextra -Werror (and the header with -m32 -ffreestanding)"
else
	fail "tools build" "$(head -c 1500 "$WORK/build.log")"
	finish
fi
MKFS=$BIN/mkfs.s5fs
FSCK=$BIN/fsck.s5fs
EXTRACT=$BIN/s5extract
DBG=$BIN/s5dbg

# The format's constants, as shell variables (S5_BLOCK_SIZE=4096 ...).
eval "$("$DBG" const | sed 's/^\([A-Z0-9_]*\) \(.*\)$/\1=\2/')"
BS=$S5_BLOCK_SIZE

# Deterministic pseudo-random bytes: garbage SEED COUNT
garbage() { LC_ALL=C awk -v s="$1" -v n="$2" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%c", int(rand() * 256) }'; }
# poke FILE OFFSET < bytes: overwrite bytes in place
poke() { dd of="$1" bs=4096 seek="$2" oflag=seek_bytes conv=notrunc status=none; }
# A name of exactly N characters.
name_of_len() { printf '%*s' "$1" '' | tr ' ' "${2:-n}"; }

# ---- the source tree ----------------------------------------------------------
SRC=$WORK/src
make_tree() {
	local i
	mkdir -p "$SRC/dir1/dir2/dir3" "$SRC/many" "$SRC/private" "$SRC/shared"
	echo "deep file" >"$SRC/dir1/dir2/dir3/deep.txt"
	echo "hello, world" >"$SRC/dir1/hello.txt"
	: >"$SRC/empty"
	garbage 1 $((S5_NDIRECT * BS)) >"$SRC/direct_full"
	garbage 2 $((S5_NDIRECT * BS + 1)) >"$SRC/first_indirect"
	garbage 3 $((S5_DIND_FIRST * BS)) >"$SRC/indirect_full"
	garbage 4 $(((S5_DIND_FIRST + 10) * BS + 123)) >"$SRC/double_indirect"
	garbage 5 12345 >"$SRC/odd_size"
	# Sparse on the host: 64 MiB with data in a direct, an indirect and a
	# double-indirect block, and a last byte.
	truncate -s 64M "$SRC/sparse"
	printf 'direct' | poke "$SRC/sparse" 100
	printf 'indirect' | poke "$SRC/sparse" $(((S5_IND_FIRST + 5) * BS))
	printf 'double' | poke "$SRC/sparse" $(((S5_DIND_FIRST + 3000) * BS + 7))
	printf 'z' | poke "$SRC/sparse" $((64 * 1024 * 1024 - 1))
	# Written in full on the host, but with zero blocks mkfs turns into holes.
	{ garbage 6 "$BS"; head -c $((8 * BS)) /dev/zero; garbage 7 "$BS"; } >"$SRC/zero_middle"
	ln -s dir1/hello.txt "$SRC/rel_link"
	ln -s /etc/passwd "$SRC/abs_link"
	ln -s does/not/exist "$SRC/dangling"
	ln -s "$(name_of_len "$S5_SYMLINK_MAX" t)" "$SRC/long_target"
	ln "$SRC/dir1/hello.txt" "$SRC/shared/hardlink"
	echo "limit" >"$SRC/$(name_of_len "$S5_NAME_LEN" f)"
	mkdir "$SRC/$(name_of_len "$S5_NAME_LEN" d)"
	echo "inside" >"$SRC/$(name_of_len "$S5_NAME_LEN" d)/$(name_of_len "$S5_NAME_LEN" g)"
	for i in $(seq 1 2000); do : >"$SRC/many/entry_$i"; done
	echo secret >"$SRC/private/key"
	chmod 0600 "$SRC/private/key"
	chmod 0700 "$SRC/private"
	printf '#!/bin/sh\necho hi\n' >"$SRC/dir1/script"
	chmod 0755 "$SRC/dir1/script"
	chmod 1777 "$SRC/shared"
	touch -d '2001-02-03 04:05:06' "$SRC/dir1/hello.txt"
}
make_tree

cat >"$WORK/devices" <<'EOF'
# device nodes for the test image
/dev/tty1,c,4,1,0620
/dev/hda,b,3,0

/dev/big_minor,c,200,70000
EOF
IMG=$WORK/image
"$MKFS" -n /dev/null,c,1,3 -n /dev/zero,c,1,5 -n /dev/tty0,c,4,0,620 -D "$WORK/devices" \
	"$IMG" "$SRC" >"$WORK/mkfs.out" 2>&1
status=$?
if [ $status -eq 0 ]; then
	ok "mkfs.s5fs builds an image of the test tree"
else
	fail "mkfs.s5fs builds an image of the test tree" "status $status: $(head -c 600 "$WORK/mkfs.out")"
	finish
fi

out=$("$FSCK" "$IMG" 2>&1)
status=$?
if [ $status -eq 0 ] && [[ $out == *": clean, "* ]]; then
	ok "fsck.s5fs finds the new image clean"
else
	fail "fsck.s5fs finds the new image clean" "status $status: $(echo "$out" | head -n 8)"
fi
check "image size is at least 16 MiB by default" test "$(stat -c %s "$IMG")" -ge $((16 * 1024 * 1024))

# ---- round trip -------------------------------------------------------------
OUT=$WORK/out
"$EXTRACT" "$IMG" "$OUT" >"$WORK/extract.out" 2>&1
status=$?
if [ $status -eq 0 ]; then ok "s5extract copies the whole image out"; else fail "s5extract copies the whole image out" "status $status: $(head -c 600 "$WORK/extract.out")"; fi
check "extracted tree has the same contents and symlink targets (diff -r)" \
	diff -r --no-dereference -x dev "$SRC" "$OUT"
tree_meta() { (cd "$1" && find . -path ./dev -prune -o -printf '%p %y %m %l %s\n' | grep -v ' d ' | sort); }
tree_dir_modes() { (cd "$1" && find . -path ./dev -prune -o -type d -printf '%p %m\n' | sort); }
tree_times() { (cd "$1" && find . -path ./dev -prune -o ! -type l -printf '%p %T@\n' | sed 's/\.[0-9]*$//' | sort); }
check "types, modes, sizes and link targets match" diff <(tree_meta "$SRC") <(tree_meta "$OUT")
check "directory modes match (0700, 1777 ...)" diff <(tree_dir_modes "$SRC") <(tree_dir_modes "$OUT")
check "modification times match" diff <(tree_times "$SRC") <(tree_times "$OUT")
check "long symlink target ($S5_SYMLINK_MAX bytes) survives" \
	test "$(readlink "$OUT/long_target")" = "$(readlink "$SRC/long_target")"
check "hard links share an inode in the image" \
	test "$("$DBG" "$IMG" lookup /dir1/hello.txt)" = "$("$DBG" "$IMG" lookup /shared/hardlink)"
check "hard links are recreated on extraction" \
	test "$(stat -c %i "$OUT/dir1/hello.txt")" = "$(stat -c %i "$OUT/shared/hardlink")"
check "hard-linked inode has link count 2" test "$("$DBG" "$IMG" get inode /shared/hardlink nlink)" = 2

list=$("$EXTRACT" -l "$IMG")
check "device nodes from -n are in the image" grep -qx 'c 0666     1          0 /dev/null (1,3)' <<<"$list"
check "device node modes from -n are kept" grep -qx 'c 0620     1          0 /dev/tty0 (4,0)' <<<"$list"
check "device nodes from -D are in the image (block device)" grep -qx 'b 0660     1          0 /dev/hda (3,0)' <<<"$list"
check "large minor numbers survive the dev_t encoding" grep -q '/dev/big_minor (200,70000)$' <<<"$list"
check "s5extract lists device nodes it does not create" grep -q 'dev/zero: character device 1,5 (not created)' "$WORK/extract.out"
check "the 2000-entry directory has 2002 slots" \
	test "$("$DBG" "$IMG" get inode /many size)" = $((2002 * S5_DIRENT_SIZE))

# Block accounting of single files.
nblocks_of() { "$DBG" "$IMG" get inode "$1" nblocks; }
check "a file of $S5_NDIRECT blocks uses only direct blocks" test "$(nblocks_of /direct_full)" = "$S5_NDIRECT"
check "one block more needs the indirect block" test "$(nblocks_of /first_indirect)" = $((S5_NDIRECT + 2))
check "double-indirect file has its double-indirect block" test "$("$DBG" "$IMG" get inode /double_indirect dindirect)" != 0
check "double-indirect file: data + indirect + double-indirect + 1 indirect blocks" \
	test "$(nblocks_of /double_indirect)" = $((S5_DIND_FIRST + 11 + 1 + 1 + 1))
sparse_blocks=$(nblocks_of /sparse)
check "64 MiB sparse file takes few blocks in the image ($sparse_blocks)" test "$sparse_blocks" -le 10
check "zero blocks written on the host become holes" test "$(nblocks_of /zero_middle)" = 2
check "a hole reads back as a hole in the block map" test "$("$DBG" "$IMG" bmap /zero_middle 3)" = 0
check "extracted sparse file stays sparse on the host" test $(($(stat -c %b "$OUT/sparse") * 512)) -lt $((1024 * 1024))
check "fsck.s5fs -v reports the sparse file's blocks" \
	grep -q "regular file /sparse: mode 0644, 1 link, size 67108864, $sparse_blocks blocks" <("$FSCK" -v "$IMG")

# Extracting one path.
"$EXTRACT" "$IMG" "$WORK/part" /dir1/dir2 >/dev/null 2>&1
check "s5extract copies a single subtree" diff -r "$SRC/dir1/dir2" "$WORK/part/dir2"
"$EXTRACT" "$IMG" "$WORK/one" /odd_size >/dev/null 2>&1
check "s5extract copies a single file" cmp "$SRC/odd_size" "$WORK/one/odd_size"
"$EXTRACT" "$IMG" "$WORK/none" /no/such >"$WORK/none.out" 2>&1
check "s5extract reports a missing path" grep -q 'No such file' "$WORK/none.out"
"$EXTRACT" "$IMG" "$OUT" >"$WORK/again.out" 2>&1
status=$?
check "s5extract refuses to overwrite existing files (status $status)" test $status -eq 1

# A real device node in the source tree (needs root for mknod).
if [ "$(id -u)" -eq 0 ] && mkdir "$WORK/devsrc" && mknod "$WORK/devsrc/null" c 1 3 2>/dev/null; then
	"$MKFS" -s 1M "$WORK/devimg" "$WORK/devsrc" >/dev/null 2>&1 &&
		"$EXTRACT" -m "$WORK/devimg" "$WORK/devout" >/dev/null 2>&1
	check "device nodes in the source tree are stored and recreated with -m" \
		test "$(stat -c '%F %t,%T' "$WORK/devout/null" 2>&1)" = "character special file 1,3"
fi

"$MKFS" -u 1234:5678 "$WORK/owned" "$SRC/dir1" >/dev/null 2>&1
check "-u sets every owner" test "$("$DBG" "$WORK/owned" get inode /dir2/dir3/deep.txt uid):$("$DBG" "$WORK/owned" get inode / gid)" = 1234:5678

# An empty tree gives the smallest clean image.
mkdir "$WORK/emptysrc"
check "an empty tree gives a clean 64 KiB image" \
	bash -c "'$MKFS' -s 64K '$WORK/small' '$WORK/emptysrc' && '$FSCK' '$WORK/small'"

# ---- modes and owners --------------------------------------------------------
# Host permission bits (set-user-id, set-group-id, sticky too) are kept;
# -u sets every owner and -o PATH,UID,GID one file's (the image's /home/user).
PERM=$WORK/permsrc
mkdir -p "$PERM/tmp" "$PERM/home/user" "$PERM/bin"
: >"$PERM/bin/su" && : >"$PERM/secret" && : >"$PERM/bin/sgid"
chmod 4755 "$PERM/bin/su"; chmod 1777 "$PERM/tmp"; chmod 0600 "$PERM/secret"
chmod 2750 "$PERM/bin/sgid"; chmod 0700 "$PERM/home/user"
PIMG=$WORK/perm.img
check "mkfs with -u 0:0 and -o owners" "$MKFS" -s 1M -u 0:0 -o /home/user,1000,1000 \
	-o /secret,1000,100 "$PIMG" "$PERM"
mode_of() { printf '%o' "$("$DBG" "$PIMG" get inode "$1" mode)"; }
check "a set-user-id file keeps 4755" test "$(mode_of /bin/su)" = 4755
check "a sticky directory keeps 1777" test "$(mode_of /tmp)" = 1777
check "a set-group-id file keeps 2750" test "$(mode_of /bin/sgid)" = 2750
check "a private file keeps 0600" test "$(mode_of /secret)" = 600
check "-u makes files root's" test "$("$DBG" "$PIMG" get inode /bin/su uid)" = 0
check "-o gives /home/user uid 1000" test "$("$DBG" "$PIMG" get inode /home/user uid)" = 1000
check "-o gives /home/user gid 1000" test "$("$DBG" "$PIMG" get inode /home/user gid)" = 1000
check "-o gives /secret gid 100" test "$("$DBG" "$PIMG" get inode /secret gid)" = 100
check "fsck.s5fs accepts the image with special modes and owners" "$FSCK" "$PIMG"
expect_mkfs_fail_early() { "$MKFS" "$@" >"$WORK/bad.out" 2>&1; }
if expect_mkfs_fail_early -o /nonexistent,1,1 "$WORK/bad2.img" "$PERM"; then
	fail "mkfs refuses an owner spec for a missing file" "it succeeded"
else
	check "mkfs refuses an owner spec for a missing file" grep -q "no such file" "$WORK/bad.out"
fi
if expect_mkfs_fail_early -o /secret,x,1 "$WORK/bad2.img" "$PERM"; then
	fail "mkfs refuses a bad owner spec" "it succeeded"
else
	check "mkfs refuses a bad owner spec" grep -q "expected PATH,UID,GID" "$WORK/bad.out"
fi

# ---- what mkfs must refuse ----------------------------------------------------
expect_mkfs_fail() {	# description pattern mkfs-arguments...
	local what=$1 pattern=$2 status
	shift 2
	rm -f "$WORK/bad.img"
	"$MKFS" "$@" >"$WORK/bad.out" 2>&1
	status=$?
	if [ $status -eq 0 ] || [ $status -gt 128 ]; then
		fail "$what" "status $status"
	elif ! grep -q -- "$pattern" "$WORK/bad.out"; then
		fail "$what" "no '$pattern' in: $(head -c 400 "$WORK/bad.out")"
	elif [ -e "$WORK/bad.img" ]; then
		fail "$what" "a partial image was left behind"
	else
		ok "$what"
	fi
}
mkdir -p "$WORK/longname"
: >"$WORK/longname/$(name_of_len $((S5_NAME_LEN + 1)))"
expect_mkfs_fail "mkfs refuses a name of $((S5_NAME_LEN + 1)) bytes" 'name too long' "$WORK/bad.img" "$WORK/longname"
mkdir -p "$WORK/onebig"
garbage 9 $((1024 * 1024)) >"$WORK/onebig/data"
expect_mkfs_fail "mkfs refuses a file too large for -s" 'no space left' -s 256K "$WORK/bad.img" "$WORK/onebig"
expect_mkfs_fail "mkfs refuses more files than a small -s can hold" 'no space left' -s 128K "$WORK/bad.img" "$SRC/many"
expect_mkfs_fail "mkfs refuses an image too small for its metadata" 'no space left' -s 8K "$WORK/bad.img" "$WORK/emptysrc"
expect_mkfs_fail "mkfs refuses too few inodes (-i)" 'too many files' -i 5 "$WORK/bad.img" "$SRC/many"
expect_mkfs_fail "mkfs refuses a bad device spec" 'device spec' -n /dev/x,q,1,2 "$WORK/bad.img" "$WORK/emptysrc"
expect_mkfs_fail "mkfs refuses a device node over an existing file" 'already exists' -n /empty,c,1,3 "$WORK/bad.img" "$SRC/dir1/.."
expect_mkfs_fail "mkfs refuses a missing source directory" 'No such file' "$WORK/bad.img" "$WORK/nonexistent"
expect_mkfs_fail "mkfs rejects a bad size" 'bad size' -s 12Q "$WORK/bad.img" "$WORK/emptysrc"

# ---- corrupted images ------------------------------------------------------------
# A small base image: a few files and directories, one file with an
# indirect block, a symlink, a 100-entry directory.
BSRC=$WORK/bsrc
mkdir -p "$BSRC/d1/d2" "$BSRC/list"
echo one >"$BSRC/f1"
echo two >"$BSRC/f2"
garbage 8 $(((S5_NDIRECT + 4) * BS)) >"$BSRC/big"
ln -s f1 "$BSRC/link"
echo three >"$BSRC/d1/d2/f3"
for i in $(seq 1 100); do : >"$BSRC/list/e$i"; done
BASE=$WORK/base
"$MKFS" -s 2M -i 300 "$BASE" "$BSRC" >/dev/null 2>&1
check "the base image for corruption tests is clean" "$FSCK" "$BASE"

C=$WORK/corrupt
source tools/tests/fsck_repair.sh
ino() { "$DBG" "$C" lookup "$1"; }
get() { "$DBG" "$C" get "$@"; }
set_() { "$DBG" "$C" set "$@" >/dev/null; }

expect_fsck() {	# description pattern [fatal | DAMAGED...]: fsck -n on $C must
	# exit 4, print pattern and write nothing; then -y repairs it
	# (repair_cycle) or, with "fatal", leaves it alone (repair_unfixable)
	local what=$1 pattern=$2 status out
	shift 2
	cp "$C" "$WORK/before"
	out=$("$FSCK" -n "$C" 2>&1)
	status=$?
	if [ $status -ne 4 ]; then
		fail "$what" "fsck status $status, expected 4: $(echo "$out" | head -n 5 | tr '\n' ' ')"
	elif ! grep -q -E -- "$pattern" <<<"$out"; then
		fail "$what" "no /$pattern/ in: $(echo "$out" | head -n 8 | tr '\n' ' ')"
	elif ! cmp -s "$C" "$WORK/before"; then
		fail "$what" "fsck -n changed the image"
	else
		ok "$what"
	fi
	if [ "${1:-}" = fatal ]; then
		repair_unfixable "$what"
	else
		repair_cycle "$what" "$@"
	fi
}
fresh() { cp "$BASE" "$C"; }

fresh; set_ sb magic 0
expect_fsck "bad magic" 'superblock: bad magic number 0x00000000, expected' fatal
fresh; set_ sb version 7
expect_fsck "unknown version" 'unsupported version 7' fatal
fresh; set_ sb nblocks $(($(get sb nblocks) + 100))
expect_fsck "total blocks larger than the image" 'file system has [0-9]+ blocks, but the image holds only' fatal
fresh; truncate -s $(($(stat -c %s "$C") / 2)) "$C"
expect_fsck "truncated image file" 'but the image holds only' fatal
fresh; set_ sb ninodes $(($(get sb inode_blocks) * S5_INODES_PER_BLOCK + 1))
expect_fsck "inode count larger than the inode table" 'does not fit' fatal
fresh; set_ sb data_start $(($(get sb data_start) + 1))
expect_fsck "data area not right after the inode table" 'data area starts at block' fatal
fresh; set_ sb state 77
expect_fsck "unknown state" 'unknown state'
# A DIRTY superblock (mounted, or crashed) is a note, not a problem: the
# kernel now marks every image clean at power-off, so check it here.
fresh; set_ sb state 2
if out=$("$FSCK" "$C" 2>&1) && grep -q 'not unmounted cleanly' <<<"$out"; then
	ok "dirty state: a note, and still clean"
else
	fail "dirty state: a note, and still clean" "$(echo "$out" | head -n 3 | tr '\n' ' ')"
fi

fresh; shared=$(get inode /f1 direct[0]); set_ inode /f2 direct[0] "$shared"
expect_fsck "a block pointed to by two inodes" "block $shared: claimed by inode [0-9]+ and by inode" f2
fresh; used=$(get inode /f1 direct[0]); top=$(($(get sb nfree) - 1)); set_ sb "free[$top]" "$used"
expect_fsck "a used block also on the free list" "block $used: in use by inode [0-9]+ and also on the free list"
fresh; blk=$(get sb 'free[0]'); set_ sb 'free[1]' "$blk"
expect_fsck "a block on the free list twice" "block $blk: on the free list twice"
fresh; set_ sb free_blocks $(($(get sb free_blocks) + 1))
expect_fsck "wrong free block count" 'free block count is [0-9]+, but the free list holds'
fresh; set_ sb nfree $(($(get sb nfree) - 1))
expect_fsck "a block neither used nor free" 'neither in use nor on the free list \(lost\)'
fresh; set_ sb nfree $((S5_NICFREE + 1))
expect_fsck "free-block cache count too large" "at most $S5_NICFREE fit"
fresh; set_ sb free_next 99999999
expect_fsck "free-list chain pointer out of range" 'block 99999999, out of range'
fresh; set_ sb free_inodes $(($(get sb free_inodes) - 1))
expect_fsck "wrong free inode count" 'free inode count is [0-9]+, but the free inode list holds'
fresh; head=$(get sb free_inode); set_ inode "$head" next_free "$head"
expect_fsck "a loop in the free inode list" "loops back to inode $head"
fresh; f1=$(ino /f1); set_ sb free_inode "$f1"
expect_fsck "an in-use inode on the free inode list" "free inode list: inode $f1 is not free"
fresh; head=$(get sb free_inode); set_ inode "$head" nlink 3
expect_fsck "a free inode that is not cleared" "inode $head \(free\): fields other than"
fresh; head=$(get sb free_inode); set_ sb free_inode "$(get inode "$head" next_free)"
expect_fsck "a free inode missing from the free list" "inode $head: free but not on the free inode list"

fresh; f1=$(ino /f1); set_ inode /f1 nlink 2
expect_fsck "wrong link count" "inode $f1 \(/f1\): link count 2, but 1 directory entry refers to it"
fresh; d1=$(ino /d1); set_ inode /d1 nlink 2
expect_fsck "wrong directory link count" "inode $d1 \(/d1\): link count 2, but 3 directory entries refer to it"
fresh; free_ino=$(get sb free_inode); "$DBG" "$C" setdirent / f1 "$free_ino"
expect_fsck "a directory entry pointing at a free inode" "entry 'f1' refers to free inode $free_ino" f1
fresh; "$DBG" "$C" setdirent / f1 99999
expect_fsck "a directory entry pointing out of the inode table" "entry 'f1' refers to inode 99999, out of range" f1
fresh; "$DBG" "$C" setdirent /d1 .. 0
expect_fsck "missing '..'" "\(/d1\): missing '\.\.' entry"
fresh; "$DBG" "$C" setdirent /d1 .. "$(ino /d1)" parent
expect_fsck "'..' renamed" "\(/d1\): missing '\.\.' entry \(slot 1 holds 'parent'"
fresh; "$DBG" "$C" setdirent /d1/d2 .. "$S5_ROOT_INO"
expect_fsck "wrong '..'" "\(/d1/d2\): '\.\.' refers to inode $S5_ROOT_INO, expected inode $(ino /d1) \(its parent\)"
fresh; "$DBG" "$C" setdirent /d1 . "$S5_ROOT_INO"
expect_fsck "wrong '.'" "\(/d1\): '\.' refers to inode $S5_ROOT_INO, expected inode $(ino /d1) \(itself\)"
fresh; f2=$(ino /f2); "$DBG" "$C" setdirent / f2 0
expect_fsck "an unreachable inode" "inode $f2 \(regular file\): in use but not reachable from the root" f2
"$EXTRACT" "$C" "$WORK/lf" "/lost+found/#$f2" >/dev/null 2>&1
check "repair: the unreachable file is in /lost+found/#$f2 with its data" cmp "$BSRC/f2" "$WORK/lf/#$f2"
check "repair: /lost+found was made a directory with mode 0700" test "$(get inode /lost+found mode)" = $((8#700))
fresh; "$DBG" "$C" setdirent / f2 0	# s5dbg leaves the name: stale bytes
expect_fsck "an emptied slot that still holds its name" "\(/\): slot [0-9]+: empty, but holds stale bytes" f2
fresh; set_ sb journal_start 5
expect_fsck "a journal start without a journal" 'journal start set without a journal'
fresh; "$DBG" "$C" setdirent / f2 "$(ino /f2)" f1
expect_fsck "two entries with the same name" "name 'f1' appears more than once" f2
fresh; "$DBG" "$C" setdirent / f2 "$(ino /f2)" 'a/b'
expect_fsck "a name containing '/'" "bad name \(name contains '/'\)" f2
fresh; d2=$(ino /d1/d2); "$DBG" "$C" setdirent / f1 "$d2"
expect_fsck "a directory reachable twice" "refers to directory inode $d2, already reachable as /" f1 d1
fresh; set_ inode /f1 direct[0] 99999999
expect_fsck "a block pointer out of range" 'data block pointer 99999999 out of range' f1
fresh; set_ inode /big indirect 1
expect_fsck "an indirect pointer into the inode table" 'indirect block pointer 1 out of range' big
fresh; set_ inode /f1 type 9
expect_fsck "an invalid inode type" "inode $(ino /f1): invalid type 9" f1
fresh; set_ inode "$S5_ROOT_INO" type 1
expect_fsck "a root that is not a directory" "root inode $S5_ROOT_INO is not a directory" -
fresh; set_ inode /f1 size 0
expect_fsck "a size too small for the blocks" 'past the end of its 0-byte size' f1
fresh; set_ inode /big nblocks 3
expect_fsck "a wrong block count in an inode" 'block count is 3, but its block map holds'
fresh; set_ inode /list direct[1] 0
expect_fsck "a hole in a directory" 'hole at file block 1 \(a directory has none\)' list
fresh; set_ inode /list size 100
expect_fsck "a directory size that is not a multiple of the entry size" 'is not a multiple of the' list
fresh; set_ inode /link size 0
expect_fsck "a symlink with an empty target" 'target length 0 not in' link
fresh; set_ inode /f1 mode 0x8000
expect_fsck "mode bits outside the permission bits" 'has bits outside' f1
fresh; set_ inode /f1 rdev 5
expect_fsck "a device number on a regular file" 'device number 0x5 on a non-device'

# ---- garbage -------------------------------------------------------------------
# fsck must exit 1 with messages (never crash, never hang) on garbage in the
# inode table, in directories, in the superblock; s5extract must not crash.
no_crash() {	# description expected-statuses...: fsck and s5extract on $C
	local what=$1 status xstatus
	shift
	timeout 20 "$FSCK" "$C" >"$WORK/fuzz.out" 2>&1
	status=$?
	timeout 20 "$EXTRACT" "$C" "$WORK/fuzzout" >/dev/null 2>&1
	xstatus=$?
	rm -rf "$WORK/fuzzout"
	if [ $status -ge 124 ] || [ $xstatus -ge 124 ]; then
		fail "$what" "crash or hang: fsck status $status, s5extract status $xstatus"
	elif [[ " $* " != *" $status "* ]]; then
		fail "$what" "fsck status $status, expected one of $*: $(head -n 3 "$WORK/fuzz.out" | tr '\n' ' ')"
	elif [ "$status" -eq 4 ] && ! grep -q -E '^fsck\.s5fs: .*[0-9]+ problems? found$' "$WORK/fuzz.out"; then
		fail "$what" "no summary line"
	elif ! repaired_or_left; then
		fail "$what" "fsck -y: status $status, then -n: $(head -n 3 "$WORK/fuzz.out" | tr '\n' ' ')"
	else
		ok "$what"
	fi
}
# -y on $C: repaired (1, then -n clean), nothing to do (0) or unusable (4, unchanged)
repaired_or_left() {
	cp "$C" "$WORK/before"
	timeout 20 "$FSCK" -y "$C" >"$WORK/fuzz.out" 2>&1
	status=$?
	case $status in
	0 | 1) timeout 20 "$FSCK" -n "$C" >"$WORK/fuzz.out" 2>&1 ;;
	4) grep -q 'superblock unusable\|too small' "$WORK/fuzz.out" && cmp -s "$C" "$WORK/before" ;;
	*) false ;;
	esac
}
itable=$("$DBG" "$BASE" offset block "$("$DBG" "$BASE" get sb inode_start)")
iblocks=$("$DBG" "$BASE" get sb inode_blocks)
for seed in 11 12 13; do
	fresh; garbage "$seed" "$BS" | poke "$C" "$itable"
	no_crash "random bytes over the first inode-table block (seed $seed)" 4
done
fresh; garbage 14 $((iblocks * BS)) | poke "$C" "$itable"
no_crash "random bytes over the whole inode table" 4
big_inode=$("$DBG" "$BASE" offset inode "$("$DBG" "$BASE" lookup /big)")
for seed in 21 22; do
	fresh; garbage "$seed" $((S5_INODE_SIZE - 2)) | poke "$C" $((big_inode + 2))
	no_crash "random fields in the inode of a file with indirect blocks (seed $seed)" 4
done
root_dir=$("$DBG" "$BASE" offset block "$("$DBG" "$BASE" bmap / 0)")
fresh; garbage 31 "$BS" | poke "$C" "$root_dir"
no_crash "random bytes over the root directory's block" 4
fresh; garbage 32 "$BS" | poke "$C" "$("$DBG" "$BASE" offset block "$("$DBG" "$BASE" get inode /big indirect)")"
no_crash "random bytes over an indirect block" 4
fresh; garbage 33 "$S5_SUPER_HEADER_SIZE" | poke "$C" 0
no_crash "random bytes over the superblock's header" 4
fresh; garbage 34 $((BS - S5_SUPER_HEADER_SIZE)) | poke "$C" "$S5_SUPER_HEADER_SIZE"
no_crash "random bytes over the superblock's free-block cache" 4
root_inode=$("$DBG" "$BASE" offset inode "$S5_ROOT_INO")
fresh; garbage 35 $((S5_INODE_SIZE - 4)) | poke "$C" $((root_inode + 4))
no_crash "random fields in the root inode (type kept)" 4
size=$(stat -c %s "$BASE")
for seed in $(seq 100 139); do
	fresh
	off=$(LC_ALL=C awk -v s="$seed" -v n="$size" 'BEGIN { srand(s); print int(rand() * n / 2) }')
	garbage "$seed" 256 | poke "$C" "$off"
	no_crash "256 random bytes at offset $off (seed $seed)" 0 4
done
printf 'short' >"$C"
no_crash "an image shorter than a block" 4
random_repairs 200 "$BASE"
"$MKFS" -s 2M -i 300 -j 16 "$WORK/jbase" "$BSRC" >/dev/null 2>&1
random_repairs 100 "$WORK/jbase"

# ---- the journal ------------------------------------------------------------------
gcc -O2 -Wall -Wextra -Werror -std=gnu11 -Ikernel/include -o "$BIN/mkjtx" tools/tests/mkjtx.c
J=$WORK/journal.img
jblock() {	# block: its first byte, as a number
	od -An -tu1 -j $(($1 * 4096)) -N1 "$J" | tr -d ' '
}
"$MKFS" -s 2M -j 16 "$J" "$BSRC" >/dev/null 2>&1
check "a 2 MiB image with -j 16 is clean" "$FSCK" "$J"
check "fsck -v shows the 16-block journal" bash -c "'$FSCK' -v '$J' | grep -q 'journal 16 blocks'"
check "s5dbg reads the journal fields" test "$("$DBG" "$J" get sb journal_blocks)" = 16
"$MKFS" -s 8M "$WORK/jdef.img" "$BSRC" >/dev/null 2>&1
check "an 8 MiB image gets a journal by default" test "$("$DBG" "$WORK/jdef.img" get sb journal_blocks)" -ge 16
"$MKFS" -s 2M "$WORK/jnone.img" "$BSRC" >/dev/null 2>&1
check "a 2 MiB image gets none by default (old layout)" test "$("$DBG" "$WORK/jnone.img" get sb journal_blocks)" = 0
"$MKFS" -s 2M -j 5 "$WORK/jbad.img" "$BSRC" >/dev/null 2>&1
check "mkfs refuses a journal below the minimum" test $? -eq 2
home=$(( $("$DBG" "$J" get sb nblocks) - 1 ))
cp "$J" "$WORK/j0.img"
"$BIN/mkjtx" "$J" "$home" 0x5A nocommit
out=$("$FSCK" "$J" 2>&1)
check "an uncommitted transaction is only a note" bash -c "[ $? -eq 0 ] && grep -q 'never committed' <<<'$out'"
"$BIN/mkjtx" "$J" "$home" 0x5A badcrc
out=$("$FSCK" -r "$J" 2>&1); st=$?
check "a bad commit checksum is reported and not replayed" \
	bash -c "[ $st -eq 4 ] && grep -q 'checksum does not match' <<<'$out' && [ '$(jblock $home)' = 0 ]"
"$BIN/mkjtx" "$J" "$home" 0x5A commit
out=$("$FSCK" "$J" 2>&1); st=$?
check "a committed transaction not replayed is a problem" bash -c "[ $st -eq 4 ] && grep -q 'not replayed yet' <<<'$out'"
out=$("$FSCK" -r "$J" 2>&1); st=$?
check "fsck -r replays it and finds the image clean" \
	bash -c "[ $st -eq 0 ] && grep -q 'replayed transaction' <<<'$out' && [ '$(jblock $home)' = 90 ]"
out=$("$FSCK" -r "$J" 2>&1); st=$?
check "a second fsck -r replays nothing" bash -c "[ $st -eq 0 ] && ! grep -q 'replayed' <<<'$out'"
cp "$WORK/j0.img" "$J"
"$DBG" "$J" set sb journal_start 3 >/dev/null
check "a misplaced journal is fatal" bash -c "'$FSCK' '$J' | grep -q 'journal does not start right after'"
cp "$WORK/j0.img" "$J"
printf 'XXXX' | dd of="$J" bs=1 seek=$(( $("$DBG" "$J" get sb journal_start) * 4096 )) conv=notrunc 2>/dev/null
out=$("$FSCK" "$J" 2>&1); st=$?
check "a damaged journal header is a problem" bash -c "[ $st -eq 4 ] && grep -q 'bad journal header' <<<'$out'"
"$FSCK" -y "$J" >/dev/null 2>&1; st=$?
"$FSCK" -n "$J" >/dev/null 2>&1
check "fsck -y writes a fresh journal header (status $st), then the image is clean" test $st -eq 1 -a $? -eq 0
cp "$WORK/j0.img" "$J"
"$BIN/mkjtx" "$J" "$home" 0x5A badcrc
"$FSCK" -y "$J" >/dev/null 2>&1; st=$?
"$FSCK" -n "$J" >/dev/null 2>&1
check "fsck -y empties a journal whose commit fails its checksum (status $st), then clean" \
	test $st -eq 1 -a $? -eq 0 -a "$(jblock $home)" = 0
cp "$WORK/j0.img" "$J"
"$BIN/mkjtx" "$J" "$home" 0x5A commit
out=$("$FSCK" -y "$J" 2>&1); st=$?
check "fsck -y replays a committed transaction first (status $st: nothing else to fix)" \
	bash -c "[ $st -eq 0 ] && grep -q 'replayed transaction' <<<'$out' && [ '$(jblock $home)' = 90 ]"

# ---- usage ----------------------------------------------------------------------
"$FSCK" >/dev/null 2>&1
check "fsck.s5fs without arguments exits 8" test $? -eq 8
"$FSCK" "$WORK/nonexistent" >/dev/null 2>&1
check "fsck.s5fs on a missing file exits 8" test $? -eq 8
"$FSCK" -n -y "$BASE" >/dev/null 2>&1
check "fsck.s5fs refuses -n with -y (exit 8)" test $? -eq 8
"$MKFS" >/dev/null 2>&1
check "mkfs.s5fs without arguments exits 2" test $? -eq 2

finish
