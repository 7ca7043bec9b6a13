# exit statuses: exit N, 127 not found, 126 not executable, signals
(exit 0); echo $?
(exit 42); echo $?
(exit 256); echo $?
no-such-command-xyz 2>/dev/null; echo "not found: $?"
: > notexec.sh
./notexec.sh 2>/dev/null; echo "not executable: $?"
rm notexec.sh
{ sh -c 'kill -9 $$'; } 2>/dev/null; echo "killed: $?"
true; echo "true $?"
false; echo "false $?"
exit 3
