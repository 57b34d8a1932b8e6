#!/usr/bin/env python3
"""Keep kernel-sim's descriptor table full, for tests/system/host_fds.sh.

Usage: fd_pressure.py SOCKET SECONDS
For SECONDS, keeps opening connections to the control socket that follow
the log (`log -f`): kernel-sim keeps each follower, so every descriptor it
has left goes to one, and the connections beyond that wait in the
listener's backlog. All are closed at the end.
"""
import socket
import sys
import time


def main():
    path, seconds = sys.argv[1], float(sys.argv[2])
    held = []
    end = time.time() + seconds
    while time.time() < end:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(0.05)
        try:
            s.connect(path)
            s.sendall(b"log -f\n")
            held.append(s)
        except OSError:
            s.close()
        time.sleep(0.01)
    for s in held:
        s.close()


main()
