# if / elif / else / fi, conditions are lists, the status of if
for n in 1 5 9; do
	if [ $n -lt 3 ]; then
		echo "$n small"
	elif [ $n -lt 7 ]
	then
		echo "$n medium"
	else
		echo "$n large"
	fi
done
if false; then echo no; fi
echo "if without a branch taken: $?"
if true; false; then echo no; else echo "last command of the condition decides"; fi
if ! false; then echo negated; fi
