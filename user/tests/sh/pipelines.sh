# pipelines: status of the last, ! on a pipeline, builtins in pipelines
echo a b c | cat | cat
false | true; echo "$?"
true | false; echo "$?"
! true | false; echo "$?"
x=1
echo | x=2
echo "x=$x"
printf 'z\ny\nx\n' | while read l; do printf '%s' "$l"; done; echo
cat <<EOF | cat | cat
heredoc in pipe
EOF
