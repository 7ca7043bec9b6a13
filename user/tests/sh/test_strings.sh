# test and [: strings, -n -z, !, -a -o, parentheses, argument counts
t() { if "$@"; then echo "T: $*"; else echo "F($?): $*"; fi; }
t test abc = abc
t test abc != abc
t [ abc = abd ]
t [ -n "" ]
t [ -z "" ]
t [ -n x ]
t [ x ]
t [ "" ]
t [ ]
t [ ! "" ]
t [ ! x = x ]
t [ -n ]
t [ a = a -a b = b ]
t [ a = a -a b = c ]
t [ a = b -o b = b ]
t [ \( a = a \) ]
t [ ! \( a = b -o c = d \) ]
t [ "(" x ")" ]
t [ = ]
t [ a \< b ]
t [ b \> a ]
