# echo and printf
echo plain words
echo -n "no newline"; echo " (joined)"
echo "esc: a\tb"
printf '%s\n' one two three
printf '%d|%5d|%-5d|%05d|%+d\n' 42 42 42 42 42
printf '%x %X %o %u %i\n' 255 255 8 7 -3
printf '%c%c\n' hello world
printf '[%10s][%-10s][%.2s]\n' right left truncate
printf '%s=%s\n' a 1 b 2 c
printf 'no args: %s|%d\n'
printf '%%literal\n'
printf 'esc: \\ \t| \101\n'
printf '%b\n' 'b-esc: \t| \0101 \\'
printf '%d\n' "'A"
printf '%.3f %e\n' 3.14159 1234.5
printf '%*d|%-*s|\n' 5 7 4 ab
printf 'stop%b never\n' '\c'
echo
printf '%d\n' notanumber
echo "status $?"
