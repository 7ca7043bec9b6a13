# exec with redirections only changes the shell's fds; exec CMD replaces it
exec 3> ex.out
echo "to fd 3" >&3
exec 3>&-
cat ex.out
rm ex.out
exec sh -c 'echo "replaced the shell"; exit 6'
echo "not reached"
