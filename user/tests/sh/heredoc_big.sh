# a here-document larger than a pipe's buffer, in a function
f() {
	cat <<EOF2
$1 line
EOF2
}
i=0
big=
while [ $i -lt 400 ]; do big="$big 0123456789012345678901234567890123456789"; i=$((i + 1)); done
cat <<EOF2 > big.out
$big
EOF2
while read -r line; do echo ${#line}; done < big.out
f function
f again
rm big.out
