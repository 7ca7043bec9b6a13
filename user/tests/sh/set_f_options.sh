# $- and set options
set -f
case $- in *f*) echo "f set" ;; esac
set +f
case $- in *f*) echo "f still set" ;; *) echo "f cleared" ;; esac
set -- a b
echo "$#"
set -e -u
case $- in *e*) echo "e set" ;; esac
case $- in *u*) echo "u set" ;; esac
