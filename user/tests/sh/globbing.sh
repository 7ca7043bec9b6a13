# pathname expansion: * ? [...], sorted, no match stays, quoted is literal, set -f
mkdir g.d && cd g.d || exit 1
for f in b.txt a.txt c.log .hidden ab.txt; do : > "$f"; done
echo *.txt
echo ?.txt
echo [ab].txt
echo [!a]*
echo *
echo .h*
echo "*.txt" '*.txt' \*.txt
echo nomatch*
p='*.log'
echo $p "$p"
set -f
echo *.txt
set +f
echo *.log
mkdir sub; : > sub/x; : > sub/y
echo sub/*
echo */x
cd .. && rm -r g.d
