# read: fields, the last takes the rest, -r, backslashes, EOF status
printf 'a b c d\n  lead  trail  \nback\\slash\nraw\\n\ncont\\\ninued\nlast' > in.txt
{
	read x y rest; echo "[$x] [$y] [$rest]"
	read one; echo "[$one]"
	read v; echo "[$v]"
	read -r v; echo "[$v]"
	read v; echo "[$v]"
	read v; echo "status $? [$v]"
	read v; echo "eof status $? [$v]"
} < in.txt
IFS=: read a b <<EOF
p:q:r
EOF
echo "[$a] [$b]"
echo "line" | { read REPLY; echo "reply $REPLY"; }
rm in.txt
