# set -e in a subshell and a group
set -e
(false; echo "not reached in subshell") || echo "subshell failed, caught"
{ false; echo no; } || echo "group failed, caught"
echo "end"
(exit 3)
echo "not reached"
