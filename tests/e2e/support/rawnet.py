"""Raw-socket IRC and AMP clients for end-to-end tests that watch what a
server sends when it ends a session: every byte is kept, and a close (or
a reset) is reported rather than raised. `source` binds the client's end
to another loopback address (127.0.0.2, say), so a test can ban one
address while its other clients stay."""
import base64
import socket
import time


def connect(port, source=None):
    src = (source, 0) if source else None
    return socket.create_connection(("127.0.0.1", port), timeout=10,
                                    source_address=src)


class Irc:
    """NICK and USER are sent at once; read_until waits for the rest.
    sasl=(account, password) logs in with SASL PLAIN first, as a client
    does whose nick is its account's (reserved for it otherwise)."""

    def __init__(self, port, nick, user="vic", source=None, sasl=None):
        self.s = connect(port, source)
        self.buf = b""
        if sasl:
            self.send("CAP REQ :sasl")
        self.s.sendall(b"NICK %s\r\nUSER %s 0 * :x\r\n" %
                       (nick.encode(), user.encode()))
        if sasl:
            self.send("AUTHENTICATE PLAIN")
            assert b"AUTHENTICATE +" in self.read_until(b"AUTHENTICATE +"), \
                self.buf
            token = ("\0%s\0%s" % sasl).encode()
            self.send("AUTHENTICATE " + base64.b64encode(token).decode())
            assert b" 903 " in self.read_until(b" 903 "), self.buf
            self.send("CAP END")

    def read_until(self, needle, timeout=10.0):
        """Everything read until `needle` appears (or the peer closes);
        the connection's whole input so far."""
        deadline = time.time() + timeout
        while needle not in self.buf and time.time() < deadline:
            self.s.settimeout(max(0.05, deadline - time.time()))
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            self.buf += chunk
        return self.buf

    def send(self, line):
        self.s.sendall(line.encode() + b"\r\n")

    def closed(self, timeout=10.0):
        """True once the server closed the connection."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.s.settimeout(max(0.05, deadline - time.time()))
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self):
        self.s.close()


def box(**kv):
    """One AMP box: 16-bit length-prefixed keys and values, then 0 0."""
    out = b""
    for k, v in kv.items():
        k, v = k.encode(), v.encode() if isinstance(v, str) else v
        out += len(k).to_bytes(2, "big") + k + len(v).to_bytes(2, "big") + v
    return out + b"\0\0"


class Amp:
    def __init__(self, port, source=None):
        self.s = connect(port, source)
        self.buf = b""
        self.eof = False
        self.asks = 0

    def call(self, command, **kv):
        kv = dict(kv)
        self.asks += 1
        kv["_command"] = command
        kv["_ask"] = str(self.asks)
        self.s.sendall(box(**kv))

    def _parse(self):
        """One whole box off the buffer, or None."""
        pos, b = 0, {}
        while True:
            if len(self.buf) < pos + 2:
                return None
            n = int.from_bytes(self.buf[pos:pos + 2], "big")
            pos += 2
            if n == 0:
                self.buf = self.buf[pos:]
                return b
            if len(self.buf) < pos + n + 2:
                return None
            k = self.buf[pos:pos + n].decode()
            pos += n
            m = int.from_bytes(self.buf[pos:pos + 2], "big")
            pos += 2
            if len(self.buf) < pos + m:
                return None
            b[k] = self.buf[pos:pos + m].decode(errors="replace")
            pos += m

    def next_box(self, timeout=10.0):
        deadline = time.time() + timeout
        while True:
            b = self._parse()
            if b is not None:
                return b
            if self.eof or time.time() > deadline:
                return None
            self.s.settimeout(max(0.05, deadline - time.time()))
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.eof = True
            self.buf += chunk

    def wait_for(self, pred, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            b = self.next_box(deadline - time.time())
            if b is None:
                return None
            if pred(b):
                return b
        return None

    def ask(self, command, timeout=10.0, **kv):
        """Sends a request; returns its answer or error box (None on a
        close or a timeout)."""
        self.call(command, **kv)
        tag = str(self.asks)
        return self.wait_for(lambda b: b.get("_answer") == tag or
                             b.get("_error") == tag, timeout)

    def closed(self, timeout=10.0):
        while self.next_box(timeout) is not None:
            pass
        return self.eof

    def close(self):
        self.s.close()


def closing(a):
    """The reason of the Closing box the server sends before it closes."""
    b = a.wait_for(lambda b: b.get("_command") == "Closing")
    assert b is not None, "no Closing box"
    return b["reason"]
