# ; and newlines separate; comments; empty lines
echo a; echo b ;echo c
# a comment line
echo d # trailing comment
echo e#not-a-comment

echo 'f # quoted'
