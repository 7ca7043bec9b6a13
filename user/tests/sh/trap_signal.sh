# a trapped signal runs its action; an ignored one does nothing
trap 'echo caught USR1' USR1
kill -USR1 $$
echo after first
trap '' USR2
kill -USR2 $$
echo "ignored USR2"
trap 'echo caught TERM; exit 7' TERM
kill -TERM $$
echo not reached
