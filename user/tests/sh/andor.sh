# && || ! and their statuses, continuation after operators
true && echo a1
false && echo never
false || echo o1
true || echo never
false || false || echo chain
true && false || echo mixed
! true; echo "not true: $?"
! false; echo "not false: $?"
true &&
	echo "continued after &&"
false ||
	echo "continued after ||"
echo x | 
	cat
