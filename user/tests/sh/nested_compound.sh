# compound commands inside each other, in pipelines and substitutions
for i in 1 2 3; do
	case $i in
	2) if [ -n "$i" ]; then
		while false; do :; done
		echo "two"
	   fi ;;
	*) { echo "other $i"; } ;;
	esac
done | while read l; do echo "piped: $l"; done
x=$(for i in a b; do printf "%s" "$i"; done)
echo "$x"
if for i in 1; do false; done; then echo no; else echo "loop as condition"; fi
f() { case $1 in *) echo "f got $1";; esac; }; f arg
