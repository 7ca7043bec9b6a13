# assignments: several at once, from substitutions, no splitting, status
a=1 b=2 c=$a$b
echo "$a $b $c"
v="x   y"
w=$v
echo "$w"
e=$(echo "a  b")
echo "$e"
n=$(false)
echo "status $?"
glob=*
echo "$glob"
t=~
case $t in /*) echo "tilde expanded" ;; esac
