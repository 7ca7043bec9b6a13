#!/usr/bin/env bash
# The short power-cut run of `make test` (T=powercut): 5 cuts with a fixed
# seed (tools/powercut.sh; doc/testing.md has the long run).  Each clean
# trial with nothing lost is a pass.
cd "$(dirname "$0")/../.."
cuts=${POWERCUT_CUTS:-5}
out=$(bash tools/powercut.sh "$cuts" "${POWERCUT_SEED:-1000}" 2>&1)
echo "$out"
clean=$(echo "$out" | sed -n 's/^powercut: \([0-9]*\) of [0-9]* clean.*/\1/p')
clean=${clean:-0}
echo "$clean passed, $((cuts - clean)) failed"
