# set -- and shift
set -- a b c d e
shift
echo "$# $*"
shift 2
echo "$# $*"
set -- x
echo "$# $1"
set -- "with space" -n
echo "$# [$1] [$2]"
shift; shift
echo "empty: $#"
set -- 1 2
shift 3
echo "not reached"
