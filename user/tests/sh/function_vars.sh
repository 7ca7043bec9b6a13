# functions share variables with the caller; loops inside; break in function
count() {
	n=0
	for x in "$@"; do n=$((n + 1)); done
}
count a b c
echo "n=$n"
setv() { v="set by function"; }
setv
echo "$v"
loop() {
	for i in 1 2 3 4; do
		[ $i -eq 3 ] && return $i
		echo "loop $i"
	done
}
loop; echo "returned $?"
compound() (
	echo "a function whose body is a subshell"
	inner=changed
)
inner=kept
compound
echo "$inner"
