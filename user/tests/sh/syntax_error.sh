# a syntax error ends the script with status 2, after what ran before
echo "before the error"
if true; then echo inside
fi fi
echo "not reached"
