# sh -c with $0 and arguments; sh FILE args
sh -c 'echo "$0 $# $1 $2"' name a "b c"
sh -c 'exit 5'; echo "status $?"
echo 'echo "file: $0 $# $*"; exit 2' > script.sh
sh ./script.sh x y; echo "status $?"
sh -c 'set -- p q; echo "$@"'
sh -c 'echo $((6*7))'
sh -e -c 'false; echo no'; echo "sh -e: $?"
rm script.sh
