# < > >> 2>&1 <&- n>file, on simple and compound commands
echo first > r.out
echo second >> r.out
cat < r.out
cat r.out nonexistent-file > /dev/null 2> r.err || echo "cat failed"
[ -s r.err ] && echo "stderr went to the file"
ls nonexistent-file > r.both 2>&1; [ -s r.both ] && echo "2>&1 works"
echo to-three 3> r.three >&3
cat r.three
exec 4> r.four
echo via-four >&4
exec 4>&-
cat r.four
for i in 1 2; do echo "loop $i"; done > r.loop
cat r.loop
if true; then echo "if output"; fi > r.if
cat r.if
while read l; do echo "got $l"; done < r.out
{ read a; read b; echo "$b/$a"; } < r.out
cat <&- 2>/dev/null < r.out
echo "rw" 1<>r.rw; cat r.rw
> r.empty; [ -f r.empty ] && [ ! -s r.empty ] && echo "empty file made"
x=r.out; cat < $x
rm r.out r.err r.both r.three r.four r.loop r.if r.rw r.empty
