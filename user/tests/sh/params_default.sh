# ${VAR:-x} ${VAR-x} ${VAR:=x} ${VAR=x} ${VAR:+x} ${VAR+x}
unset u
e=
s=set
echo "1 ${u:-dflt} ${e:-dflt} ${s:-dflt}"
echo "2 ${u-dflt} [${e-dflt}] ${s-dflt}"
echo "3 ${u:+alt} [${e:+alt}] ${s:+alt}"
echo "4 [${u+alt}] ${e+alt} ${s+alt}"
echo "5 ${u:=assigned} $u"
echo "6 [${e=notassigned}] [$e]"
echo "7 ${e:=now} $e"
echo "8 ${u:-"quoted word"} ${u:-$s} ${nothere:-${s}x}"
w="a  b"
for f in ${nothere:-$w}; do echo "split: $f"; done
for f in "${nothere:-$w}"; do echo "kept: $f"; done
