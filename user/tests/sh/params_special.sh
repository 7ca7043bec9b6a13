# $# $1.. $@ $* $0 (a script: its name) $? $$ is a number
set -- a "b c" d
echo "$#"
echo "$1|$2|$3|${4-none}"
echo "$*"
for a in "$@"; do echo "at: $a"; done
for a in "$*"; do echo "star: $a"; done
for a in $@; do echo "unquoted: $a"; done
IFS=:
echo "$*"
IFS=' '
set --
echo "none: $#"
for a in "$@"; do echo never; done
set -- 1 2 3 4 5 6 7 8 9 10 11
echo "${10} ${11} $10"
false; echo "$?"
case $$ in *[!0-9]*) echo "pid not a number" ;; *) echo "pid is a number" ;; esac
case $0 in *params_special.sh) echo "\$0 is the script" ;; esac
