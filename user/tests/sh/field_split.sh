# field splitting with IFS: white space, other separators, empty fields
v="  a   b  c  "
set -- $v; echo "$#: $*"
IFS=:
v="a:b::c:"
set -- $v; echo "$#"
for f in $v; do echo "[$f]"; done
IFS=' :'
v=" x : y  z:"
for f in $v; do echo "<$f>"; done
IFS=
v="no split here"
set -- $v; echo "$#"
unset IFS
v="	tab	and space "
set -- $v; echo "$#: $1 $2 $3"
e=""
set -- $e; echo "empty unquoted: $#"
set -- "$e"; echo "empty quoted: $#"
set -- $e""; echo "empty joined: $#"
