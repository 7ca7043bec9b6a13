#!/usr/bin/env bash
# Reads `nm -n` output on stdin and writes an assembly file that defines the
# kernel symbol table used by backtraces (kernel/util/ksyms.c): an array of
# {address, name} pairs sorted by address, ended by {0, 0}, then the names.
# Only text symbols are kept.
set -eu
echo '	.section .ksyms,"a"'
echo '	.globl ksym_table'
echo '	.balign 4'
echo 'ksym_table:'
awk '$2 ~ /^[Tt]$/ && $3 !~ /^\./ { n++; printf "\t.long 0x%s, .Lname%d\n", $1, n; names[n] = $3 }
     END { printf "\t.long 0, 0\n"; for (i = 1; i <= n; i++) printf ".Lname%d:\t.asciz \"%s\"\n", i, names[i] }'
