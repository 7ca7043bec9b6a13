# case with glob patterns, alternatives, quoting, fall to no match
for w in apple banana cherry 'a*' x.c Z 7 ""; do
	case $w in
	a\*) echo "$w: a literal star" ;;
	a*) echo "$w: starts with a" ;;
	b?n*) echo "$w: b?n*" ;;
	*.[ch]) echo "$w: C file" ;;
	[A-Z]) echo "$w: capital" ;;
	[!a-z]) echo "$w: not a lower-case letter" ;;
	"") echo "empty" ;;
	cherry|plum) echo "$w: alternative" ;;
	esac
done
case x in y) echo no ;; esac
echo "no match: $?"
pat='c*'
case cat in $pat) echo "pattern from a variable" ;; esac
case cat in "$pat") echo no ;; *) echo "quoted variable is literal" ;; esac
case word in (w*) echo "leading parenthesis" ;; esac
case last in last) echo "no ;; before esac"
esac
