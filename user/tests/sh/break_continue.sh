# break and continue, with levels
for i in 1 2 3 4 5; do
	[ $i -eq 2 ] && continue
	[ $i -eq 4 ] && break
	echo "i=$i"
done
for i in a b; do
	for j in 1 2 3; do
		[ $j -eq 2 ] && continue 2
		echo "$i$j"
	done
done
for i in a b; do
	while true; do
		echo "in $i"
		break 2
	done
done
echo "after break 2"
n=0
while :; do
	n=$((n + 1))
	until false; do
		[ $n -lt 3 ] && continue 2
		break 2
	done
done
echo "n=$n"
break
echo "break outside a loop is ignored"
