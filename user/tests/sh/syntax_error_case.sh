# unterminated constructs are syntax errors (status 2)
echo start
for x in a b; do
	echo $x
