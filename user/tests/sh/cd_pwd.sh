# cd, pwd, PWD, OLDPWD, cd - ; a failed cd
mkdir -p cd.d/inner
start=$(pwd)
cd cd.d/inner
case $(pwd) in */cd.d/inner) echo "in inner" ;; esac
case $PWD in */cd.d/inner) echo "PWD follows" ;; esac
cd ..
case $OLDPWD in */cd.d/inner) echo "OLDPWD set" ;; esac
cd - > /dev/null
case $(pwd) in */inner) echo "cd - went back" ;; esac
cd "$start"
cd /nonexistent-dir 2>/dev/null || echo "cd failed"
rm -r cd.d
