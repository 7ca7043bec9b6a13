"""Drive the M-OS sh on a pseudo-terminal, for user/tests/host/run.sh.

    python3 pty_sh.py SH DIR

Starts SH interactively in DIR and checks what only a terminal shows:
the prompt, ^C ending the foreground job (not the shell), the "[N] pid"
report of a background job and its "Done" line before a later prompt,
job control (^Z stops a job, jobs, bg %1, fg, ^C then ends it), and
the "> " prompt for an unfinished command.  Prints one normalised
line per step (pids become PID) for run.sh to compare.
"""
import os
import pty
import re
import select
import sys
import time

TIMEOUT = 5.0


def read_until(fd, marker):
    buf = b''
    end = time.time() + TIMEOUT
    while time.time() < end and marker.encode() not in buf:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            buf += data
    return buf.decode(errors='replace').replace('\r', '')


def main():
    sh, cwd = sys.argv[1], sys.argv[2]
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.environ['PATH'] = os.path.dirname(sh) + ':' + os.environ['PATH']
        os.execv(sh, ['sh'])
    prompt = cwd + ' $ '
    out = read_until(fd, prompt)
    print('prompt:', out if out.endswith(prompt) else 'missing: ' + repr(out))

    os.write(fd, b'sleep 10\n')
    time.sleep(0.5)
    os.write(fd, b'\x03')
    read_until(fd, prompt)
    os.write(fd, b'echo status $?\n')
    out = read_until(fd, prompt)
    m = re.search(r'^status (\d+)$', out, re.M)
    print('interrupted:', 'status ' + m.group(1) if m else repr(out))

    os.write(fd, b'sleep 0.2 &\n')
    out = read_until(fd, prompt)
    m = re.search(r'^\[(\d+)\] (\d+)$', out, re.M)
    print('background:', '[N] PID' if m else repr(out))
    time.sleep(0.6)
    os.write(fd, b'\n')
    out = read_until(fd, prompt)
    m = re.search(r'^\[\d+\][+ ] (.*)$', out, re.M)
    print('done:', '[PID] ' + m.group(1) if m else repr(out))

    os.write(fd, b'sleep 5\n')
    time.sleep(0.5)
    os.write(fd, b'\x1a')
    out = read_until(fd, prompt)
    m = re.search(r'^(\[\d+\]\+ Stopped +sleep 5)$', out, re.M)
    print('^Z:', m.group(1) if m else repr(out))
    os.write(fd, b'jobs\n')
    out = read_until(fd, prompt)
    m = re.search(r'^(\[\d+\]\+ \w+ +sleep 5)$', out, re.M)
    print('jobs:', m.group(1) if m else repr(out))
    os.write(fd, b'bg %1\n')
    out = read_until(fd, prompt)
    m = re.search(r'^(\[\d+\] sleep 5 &)$', out, re.M)
    print('bg:', m.group(1) if m else repr(out))
    os.write(fd, b'jobs\n')
    out = read_until(fd, prompt)
    m = re.search(r'^(\[\d+\]\+ \w+ +sleep 5)$', out, re.M)
    print('jobs:', m.group(1) if m else repr(out))
    os.write(fd, b'fg\n')
    time.sleep(0.3)
    os.write(fd, b'\x03')
    read_until(fd, prompt)
    os.write(fd, b'echo status $?\n')
    out = read_until(fd, prompt)
    m = re.search(r'^status (\d+)$', out, re.M)
    print('fg then ^C:', 'status ' + m.group(1) if m else repr(out))

    os.write(fd, b'echo "open\n')
    out = read_until(fd, '> ')
    print('continuation:', '> ' if out.endswith('> ') else repr(out))
    os.write(fd, b'close"\n')
    read_until(fd, prompt)

    os.write(fd, b'exit 4\n')
    read_until(fd, '\0')
    _, status = os.waitpid(pid, 0)
    print('exit:', os.WEXITSTATUS(status) if os.WIFEXITED(status) else status)


main()
