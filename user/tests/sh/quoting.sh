# quoting: single, double, backslash
x=value
echo 'single $x "dq" \n `cmd`'
echo "double $x 'sq' \$x \\ \" \` done"
echo back\ slash \$x \\ \'
echo "a\b" 'a\b' a\b
echo "multi
line"
echo 'multi
line'
echo "$x"'$x'$x
echo ""
echo "" "" | cat
echo "tab	kept"
echo a\
b
echo "line \
joined"
echo '\'
