# a classic: parse lines with IFS in a while-read loop
cat > pw.txt <<'EOF2'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:A User:/home/user:/bin/sh
EOF2
while IFS=: read name pass uid gid gecos home shell; do
	echo "$name uid=$uid home=$home gecos=[$gecos]"
done < pw.txt
rm pw.txt
