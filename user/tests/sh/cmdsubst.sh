# $(...) and `...`: output, trailing newlines removed, nesting, quoting
a=$(echo hello)
echo "$a"
b=`echo back quotes`
echo "$b"
echo "nested: $(echo $(echo inner))"
echo "in quotes keeps  spaces: $(echo 'x  y')"
echo unquoted splits: $(echo 'x  y')
lines="$(printf 'one\ntwo\n\n\n')"
echo "$lines"
echo "`echo \`echo nested back\``"
c=$(false); echo "status of assignment: $?"
d=$(exit 5); echo "status: $?"
echo $(echo "a)b")
echo "$(case x in x) echo case-in-subst;; esac)"
