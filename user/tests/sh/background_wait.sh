# & and wait, $!, wait's status
(echo bg; exit 3) > bg.out &
pid=$!
wait $pid
echo "wait status $?"
cat bg.out
(exit 5) &
(exit 6) &
wait
echo "wait for all: $?"
case $! in ''|*[!0-9]*) echo "bad \$!" ;; *) echo "\$! is a pid" ;; esac
rm bg.out
