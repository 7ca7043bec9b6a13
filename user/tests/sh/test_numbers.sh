# test: integer comparisons and errors
t() { if [ "$@" ]; then echo "T: $*"; else echo "F($?): $*"; fi; }
t 1 -eq 1
t 1 -ne 1
t 2 -gt 1
t 2 -ge 3
t -5 -lt 0
t 3 -le 3
t 10 -gt 9
t " 7 " -eq 7
t abc -eq 1
t 1 -eq
