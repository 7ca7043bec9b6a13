# eval and . (dot)
cmd='echo evaluated; x=from-eval'
eval "$cmd"
echo "$x"
eval 'for i in 1 2; do echo "eval loop $i"; done'
eval echo '$x' '"$x"'
echo 'sourced_var=dot; echo "in dot file $#"; return 4; echo no' > dot.sh
. ./dot.sh
echo "dot status $? $sourced_var"
echo 'echo "second dot"' > dot2.sh
. ./dot2.sh
eval false; echo "eval status $?"
eval; echo "empty eval $?"
rm dot.sh dot2.sh
