# export, prefix assignments, unset, readonly
export EXP=exported
LOCAL=local
sh -c 'echo "child: [$EXP] [$LOCAL]"'
PREFIX=only-child sh -c 'echo "prefix: [$PREFIX]"'
echo "parent prefix: [${PREFIX-unset}]"
unset EXP
sh -c 'echo "after unset: [${EXP-unset}]"'
LATER=value; export LATER
sh -c 'echo "later: $LATER"'
readonly RO=fixed
echo "$RO"
(RO=changed) 2>/dev/null || echo "readonly refused"
(unset RO) 2>/dev/null; echo "RO still $RO"
f() { echo "in f: $SH_TEMP_VAR"; }
SH_TEMP_VAR=temp f
echo "after: [${SH_TEMP_VAR-unset}]"
