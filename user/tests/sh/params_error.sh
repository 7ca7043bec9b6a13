# ${VAR:?msg} ends a script with a message on stderr
echo before
x=set
echo "${x:?not shown}"
echo "${unset_var:?it is not set}"
echo "not reached"
