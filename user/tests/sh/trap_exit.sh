# trap on EXIT; trap listing; reset
trap 'echo "exit trap, status $?"' EXIT
trap 'echo never' INT
trap - INT
echo body
(trap 'echo subshell exit trap' EXIT; echo in subshell)
exit 4
