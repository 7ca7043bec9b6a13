# type and command -v for builtins, functions, keywords; command skips functions
f() { echo function; }
command -v f
command -v echo
command -v if
command -v no-such-cmd-xyz || echo "not found: $?"
type echo
type f
type while
type no-such-cmd-xyz > /dev/null 2>&1 || echo "type not found"
echo() { printf 'wrapped: %s\n' "$*"; }
echo via function
command echo via builtin
unset -f echo
echo plain again
