# set -x traces to stderr; stdout unchanged
set -x
echo traced
x=1
set +x
echo not traced
