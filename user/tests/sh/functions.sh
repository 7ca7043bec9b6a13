# functions: arguments, $#, return, recursion, redefinition, $0 unchanged
greet() {
	echo "hello $1 ($# args)"
}
greet world
greet "two words" extra
add() { echo $(($1 + $2)); }
add 2 3
fact() {
	if [ $1 -le 1 ]; then echo 1; return; fi
	echo $(( $1 * $(fact $(($1 - 1))) ))
}
fact 6
st() { return $1; }
st 7; echo "return status $?"
st 0; echo "return status $?"
f() { echo first; }
f
f() { echo second; }
f
set -- outer args
g() { echo "in g: $@"; }
g inner
echo "after g: $@"
h() { shift; echo "h shifted: $*"; }
h a b c
echo "still: $*"
