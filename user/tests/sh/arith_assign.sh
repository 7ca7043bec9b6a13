# assignment operators and short-circuit evaluation
i=5
echo $((i += 2)) $i
echo $((i -= 1)) $((i *= 3)) $((i /= 2)) $((i %= 5)) $i
echo $((j = 4)) $j
k=1; echo $((k <<= 3)) $((k >>= 1)) $((k |= 1)) $((k &= 6)) $((k ^= 3))
n=0
echo $((0 && (n = 1))) $n
echo $((1 || (n = 2))) $n
echo $((1 ? (n = 3) : (n = 4))) $n
echo $((0 && 1 / 0))
c=0
while [ $c -lt 5 ]; do c=$((c + 1)); done; echo $c
echo $(( $(echo 6) * 7 ))
