# ( list ) runs in a child: nothing changes in the parent
x=1
(x=2; echo "inside $x"; exit 3)
echo "status $? x=$x"
mkdir sub.d
(cd sub.d && echo > made)
ls sub.d
rm -r sub.d
( echo a; ( echo nested; exit 4 ); echo "inner status $?" )
(false) || echo "subshell failed"
