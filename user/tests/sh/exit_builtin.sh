# exit with no argument uses the last status; exit inside a function and loop
f() { false; exit; }
echo before
while true; do
	f
	echo never
done
