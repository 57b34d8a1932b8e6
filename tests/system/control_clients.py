#!/usr/bin/env python3
"""Clients that misbehave on a control socket, for tests/system/control.sh.

Usage: control_clients.py SOCKET SECONDS
Holds, for SECONDS: 20 connections that never send a request, a `log`
reader and a `trace -f` follower that never read, and a loop that keeps
opening connections that send nothing. Exits 0; kernel-sim must not care.
"""
import socket
import sys
import time


def connect(path, request=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(path)
    if request:
        s.sendall(request)
    return s


def main():
    path, seconds = sys.argv[1], float(sys.argv[2])
    held = [connect(path) for _ in range(20)]
    held.append(connect(path, b"log\n"))
    held.append(connect(path, b"trace -f\n"))
    end = time.time() + seconds
    churn = []
    while time.time() < end:
        try:
            churn.append(connect(path))
        except OSError:
            pass  # refused while all slots are taken: fine
        if len(churn) > 30:
            churn.pop(0).close()
        time.sleep(0.01)
    for s in held + churn:
        s.close()


main()
