"""Drive a command in a real pseudo-terminal: wait for each expected text, then type the reply.

Usage: pty_drive.py SCRIPT_JSON -- command args...
SCRIPT_JSON is a list of [expect, send] pairs; `send` may contain "\r", "\x1b[B" (down) or "\x03" (Ctrl-C).
Prints a JSON object {"code": exit code, "screen": all output} on stdout.
"""
import json
import os
import pty
import re
import select
import fcntl
import struct
import termios
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def main():
    steps = json.loads(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a pty starts at 0x0
    out = b""
    deadline = time.monotonic() + 30
    for expect, send in steps:
        while expect not in ANSI.sub("", out.decode("utf-8", "replace")):
            if time.monotonic() > deadline:
                print(json.dumps({"code": None, "screen": out.decode("utf-8", "replace"), "timeout": expect}))
                os.kill(pid, 9)
                return
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        time.sleep(0.05)
        os.write(fd, send.encode())
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal (exited)
            break
        if not chunk:
            break
        out += chunk
    else:
        os.kill(pid, 9)
    status = os.waitpid(pid, 0)[1]
    print(json.dumps({"code": os.waitstatus_to_exitcode(status), "screen": ANSI.sub("", out.decode("utf-8", "replace"))}))


main()
