# set -u: an unset variable is an error; defaults and $@ are fine
set -u
x=1
echo "$x ${y:-default} ${y-d2} $# $@"
(echo "$undefined_var"; echo "not reached") 2>/dev/null
echo "subshell status $?"
set +u
echo "off: [$undefined_var]"
