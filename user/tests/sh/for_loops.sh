# for with a list, with globs and splitting, and without "in" ("$@")
for x in a b "c d"; do echo "<$x>"; done
set -- one "two three" four
for arg; do echo "arg <$arg>"; done
for arg in "$@"; do echo "quoted@ <$arg>"; done
list="p q  r"
for v in $list; do echo "split <$v>"; done
for v in; do echo never; done
echo "empty list: $?"
for i in 1 2 3
do
	echo "multi-line $i"
done
echo "after the loop i=$i"
