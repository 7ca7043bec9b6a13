# tools/tests/checks.sh - the counting every host test script shares
# (sourced): `ok WHAT` and `fail WHAT DETAILS` print one line each and
# count; `finish` prints the closing `N passed, N failed` line and exits
# non-zero if anything failed (tools/run-tests.sh reads that line).
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1 ($2)"; failed=$((failed + 1)); }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
