# here-documents: expansion, quoted delimiters, <<- tab stripping
name=world
cat <<EOF2
hello $name
sum $((1 + 2)) $(echo subst)
escaped \$name and \\ backslash
"double quotes" and 'single' stay
EOF2
cat <<'EOF2'
quoted: $name $(echo no) \$ stays
EOF2
cat <<"E"
double-quoted delimiter: $name
E
cat <<\E
backslash delimiter: $name
E
	cat <<-EOF2
	tabs stripped $name
		all leading tabs
	EOF2
cat <<A; cat <<B
first A
A
then B
B
while read line; do echo "read: $line"; done <<EOF2
one
two
EOF2
cat <<EOF2 | cat
through a pipe
EOF2
cat <<EOF2
EOF2
echo end
