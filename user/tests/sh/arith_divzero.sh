# division by zero is an error: a message, the script ends with status 2
echo start
x=0
echo $((10 / x))
echo "not reached"
