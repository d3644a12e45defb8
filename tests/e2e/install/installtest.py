"""Shared by the install tests: `cmake --install` of the build under test
into a prefix, commands that must succeed, and a small IRC client."""
import os
import socket
import subprocess
import time

BUILD = os.environ["REED_BUILD_DIR"]
SOURCE = os.environ["REED_SOURCE_DIR"]
CMAKE = os.environ["REED_CMAKE"]
CC = os.environ["REED_CC"]
# The build's sanitizer flags: an instrumented libreed-bot needs them at
# link time too.
EXTRA = os.environ.get("REED_EXTRA_FLAGS", "").split()


def sh(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True,
                       timeout=300, **kw)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def install(prefix):
    return sh(CMAKE, "--install", BUILD, "--prefix", prefix)


class Irc:
    """A registered IRC client on a raw socket; wait() answers PINGs."""

    def __init__(self, port, nick):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.send("NICK %s" % nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.wait(lambda ln: " 001 " in ln)

    def send(self, line):
        self.s.sendall(line.encode() + b"\r\n")

    def wait(self, pred, timeout=20.0):
        """Reads until a line satisfies pred; returns that line."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                text = line.decode(errors="replace").rstrip("\r")
                if text.startswith("PING"):
                    self.send("PONG" + text[4:])
                if pred(text):
                    return text
            self.s.settimeout(max(0.05, deadline - time.time()))
            chunk = self.s.recv(65536)
            assert chunk, "server closed the connection"
            self.buf += chunk
        raise AssertionError("no such line in %.0fs" % timeout)

    def close(self):
        self.s.close()
