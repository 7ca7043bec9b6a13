# ${#VAR} ${VAR%pat} ${VAR%%pat} ${VAR#pat} ${VAR##pat}
path=/usr/local/lib/libfoo.so.1.2
echo ${#path}
echo ${path%.*}
echo ${path%%.*}
echo ${path#*/}
echo ${path##*/}
echo ${path#/usr}
echo ${path%nomatch}
f=archive.tar.gz
echo "${f%.gz}" "${f%.*.*}" "${f#*.}"
s='a*b*c'
echo "${s#*\*}" "${s%\**}" "${s##*"*"}"
e=
echo "[${#e}] [${e%x}]"
x=aaa
echo ${x#a} ${x##a} ${x#a*} ${x##a*}
echo ${x%[a]} ${x%?a}
