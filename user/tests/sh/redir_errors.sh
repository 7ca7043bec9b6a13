# a failed redirection: the command does not run, status 1 (or more), go on
cat < /nonexistent/file
[ $? -ne 0 ] && echo "failed"
echo never > /nonexistent/dir/file
[ $? -ne 0 ] && echo "failed"
{ echo not shown; } < /nonexistent/file
[ $? -ne 0 ] && echo "group failed"
echo end
