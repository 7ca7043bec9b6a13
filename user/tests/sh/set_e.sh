# set -e: not in conditions, && || lists or ! pipelines; exits otherwise
set -e
if false; then echo no; fi
while false; do :; done
false || echo "or list"
false && echo no
! true
true && false || true
f() { false; echo "in f after false (condition context)"; }
f || echo "f failed"
x=$(false) || echo "assignment failed"
echo "before the failure"
false
echo "not reached"
