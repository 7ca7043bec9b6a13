# while and until loops, their status
i=0
while [ $i -lt 4 ]; do
	echo "while $i"
	i=$((i + 1))
done
until [ $i -eq 0 ]
do
	i=$((i - 1))
	echo "until $i"
done
while false; do :; done
echo "status of a loop that never ran: $?"
n=0; while [ $n -lt 2 ]; do n=$((n+1)); false; done
echo "status after a body ending false: $?"
