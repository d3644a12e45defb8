#!/usr/bin/env python3
"""The per-recipient output one AMP sender can cause on IRC, measured.

An AMP client (Twisted's amp) sends the worst message the model's bound
allows (max_message_lines lines filling max_message_bytes) as fast as its
[amp] flood control lets it: its burst at once, then its rate, paced so it
is never refused. Two IRC members of the room count the bytes they receive
in a 10 s window: a plain client and one with message-tags, server-time and
account-tag. Prints bytes per member and per second.

    REED_BIN=build/plain/server/reed python3 bench/amp_irc_bound.py
"""
import os
import socket
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e", "support"))
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e", "amp"))

import ampchat as A  # noqa: E402
from reedtest import ReedServer  # noqa: E402

WINDOW = 10.0
BURST, RATE = 20, 5  # [amp] flood_burst, flood_rate defaults


def member(port, nick, caps, counts, ready, stop):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    if caps:
        s.sendall(b"CAP LS 302\r\nCAP REQ :" + caps.encode() + b"\r\n")
    s.sendall(("NICK %s\r\nUSER %s 0 * :%s\r\n" % (nick, nick, nick)).encode())
    if caps:
        s.sendall(b"CAP END\r\n")
    s.sendall(b"JOIN #bound\r\n")
    buf = b""
    while b" 366 " not in buf:  # end of NAMES: joined
        buf += s.recv(65536)
    ready.set()
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            data = s.recv(1 << 20)
        except socket.timeout:
            continue
        if not data:
            break
        if b"PING " in data:
            s.sendall(b"PONG :x\r\n")
        if counts.get("t0") is not None:
            counts[nick] = counts.get(nick, 0) + len(data)
            counts[nick + "_lines"] = counts.get(nick + "_lines", 0) + \
                data.count(b"\n")
    s.close()


def worst_text(lines=100, size=4096):
    piece = (size - (lines - 1)) // lines
    return "\n".join("y" * piece for _ in range(lines))


def main():
    A.start_reactor()
    with ReedServer() as srv:
        counts, stop = {}, threading.Event()
        threads = []
        for nick, caps in (("plain", ""),
                           ("tagged", "message-tags server-time account-tag")):
            ready = threading.Event()
            t = threading.Thread(target=member, args=(
                srv.port("irc", "tcp"), nick, caps, counts, ready, stop),
                daemon=True)
            t.start()
            ready.wait(10)
            threads.append(t)
        amp = A.Client(srv.port("amp", "tcp"))
        amp.call(A.Register, username="sender", password="pw")
        amp.call(A.Join, room="bound")
        text = worst_text()
        counts["t0"] = time.time()
        sent, start = 0, time.time()
        while time.time() - start < WINDOW:
            # Within the bucket: the burst, then RATE a second.
            # (Register and Join took two tokens of the burst.)
            allowed = BURST - 3 + int((time.time() - start) * RATE)
            if sent < allowed:
                amp.call(A.Say, room="bound", text=text)
                sent += 1
            else:
                time.sleep(0.01)
        time.sleep(0.5)  # what was sent inside the window arrives
        stop.set()
        for t in threads:
            t.join(5)
        amp.close()
    A.stop_reactor()
    print("AMP Says sent in %.0f s: %d (%d bytes of text each, %d lines)" %
          (WINDOW, sent, len(text), text.count("\n") + 1))
    for nick in ("plain", "tagged"):
        b = counts.get(nick, 0)
        print("%-6s member: %d bytes, %d lines in %.0f s = %.0f bytes/s" %
              (nick, b, counts.get(nick + "_lines", 0), WINDOW, b / WINDOW))


if __name__ == "__main__":
    main()
