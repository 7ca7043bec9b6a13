"""Run init's normal mode on a pseudo-terminal, for user/tests/host/run.sh.

    python3 pty_init.py INIT SH

init only supervises terminals as process 1, so it runs as the first
process of new pid and mount namespaces (`unshare -m -p -f`, which also
keeps its mounts private; skipped where that is not allowed), with
INIT_TTYS naming a fresh pseudo-terminal and INIT_SHELL our sh.  Checks: the banner and prompt appear, an orphan is
reaped by init, ^C ends the foreground job but not the shell, and a shell
that exits is started again.  Prints one line per step for run.sh, or a
single "skip: ..." line.
"""
import os
import select
import subprocess
import sys
import time

TIMEOUT = 5.0
PROMPT = '/ $ '


def main():
    init, sh = sys.argv[1], sys.argv[2]
    probe = subprocess.run(['unshare', '-m', '-p', '-f', '--kill-child', 'true'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        print('skip: no pid namespaces (unshare -p) here')
        return
    master, slave = os.openpty()
    tty = os.ttyname(slave)
    env = dict(os.environ, INIT_TTYS=tty, INIT_SHELL=sh,
               PATH=os.path.dirname(sh) + ':' + os.environ['PATH'])
    proc = subprocess.Popen(['unshare', '-m', '-p', '-f', '--kill-child', init], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    os.close(slave)
    try:
        run(master, proc.pid, tty)
    finally:
        proc.kill()		# --kill-child takes init and its namespace along
        proc.wait()


def read_until(fd, marker):
    buf = b''
    end = time.time() + TIMEOUT
    while time.time() < end and marker.encode() not in buf:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            buf += os.read(fd, 4096)
        except OSError:		# EIO until init opens the terminal
            time.sleep(0.05)
    return buf.decode(errors='replace').replace('\r', '')


def children(pid):
    try:
        with open(f'/proc/{pid}/task/{pid}/children') as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def zombies(pid):
    found = 0
    for child in children(pid):
        try:
            with open(f'/proc/{child}/stat') as f:
                found += f.read().rsplit(')', 1)[1].split()[0] == 'Z'
        except OSError:
            pass
    return found


def run(fd, unshare_pid, tty):
    out = read_until(fd, PROMPT)
    banner = 'M-OS: shell on ' + tty
    print('banner:', 'M-OS: shell on TTY' if banner in out else repr(out))
    print('prompt:', PROMPT if out.endswith(PROMPT) else repr(out))

    os.write(fd, b'(sleep 0.2 &); echo orphaned\n')
    read_until(fd, PROMPT)
    time.sleep(0.8)
    init_pids = children(unshare_pid)
    print('orphans reaped:', 'yes' if init_pids and zombies(init_pids[0]) == 0 else 'no')

    os.write(fd, b'sleep 10\n')
    time.sleep(0.5)
    os.write(fd, b'\x03')
    read_until(fd, PROMPT)
    os.write(fd, b'echo status $?\n')
    out = read_until(fd, PROMPT)
    print('interrupted:', 'status 130' if 'status 130' in out else repr(out))

    os.write(fd, b'exit\n')
    out = read_until(fd, PROMPT)
    print('respawned:', 'yes' if banner in out and out.endswith(PROMPT) else repr(out))


main()
