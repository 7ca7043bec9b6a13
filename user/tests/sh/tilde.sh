# ~ and ~/dir expand to HOME; quoted tildes do not; only at the start
HOME=/home/user
echo ~ ~/docs "~" '~' a~b \~
x=~/in-assignment
echo "$x"
