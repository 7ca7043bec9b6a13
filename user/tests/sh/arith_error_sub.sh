# an arithmetic error in a subshell ends only the subshell
(echo $((1 / 0)); echo "not reached")
echo "after: status $?"
(echo $((1 +)); echo "not reached")
echo "syntax: status $?"
(echo $((5 % 0)))
echo "modulo: $?"
