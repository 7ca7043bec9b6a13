# test: file primaries
mkdir d.t; echo data > f.t; : > e.t; ln -s f.t l.t
chmod 755 f.t
t() { if test "$@"; then echo "T: $*"; else echo "F: $*"; fi; }
t -e f.t
t -e missing.t
t -f f.t
t -f d.t
t -d d.t
t -d f.t
t -s f.t
t -s e.t
t -r f.t
t -w f.t
t -x f.t
t -h l.t
t -L f.t
t -p f.t
t -c /dev/null
t -b /dev/null
t -t 5
t f.t -ef l.t
rm -r d.t f.t e.t l.t
