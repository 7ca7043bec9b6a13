# { list; } runs in the shell: variables and cd stay; redirections apply to all
x=1
{ x=2; echo "in group $x"; }
echo "after group $x"
{ echo one; echo two; } > grp.out
cat grp.out
{ echo err >&2; } 2>&1
{
	echo multi
	echo line
} | cat
rm grp.out
