"""A raw-socket IRC client for end-to-end tests (python3-irc has no CAP or
SASL): send lines, wait for lines matching a predicate, always with a
bounded timeout."""
import base64
import hashlib
import hmac
import os
import socket
import ssl
import time


class RawClient:
    def __init__(self, port, tls=False, host="127.0.0.1", timeout=10.0,
                 source=None):
        # source: the local address to connect from (127.0.0.2 is loopback
        # too), for tests that need clients on different addresses.
        sock = socket.create_connection(
            (host, port), timeout=timeout,
            source_address=(source, 0) if source else None)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            sock = ctx.wrap_socket(sock)
        self.sock = sock
        self.buf = b""
        self.lines = []  # every line received, in order
        self.closed = False
        self.timeout = timeout

    def send(self, *lines):
        self.sock.sendall(b"".join(
            (l if isinstance(l, bytes) else l.encode()) + b"\r\n"
            for l in lines))

    def _fill(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.time()))
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            return
        except (ConnectionResetError, ssl.SSLError, OSError):
            data = b""
        if not data:
            self.closed = True
            return
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.lines.append(line.rstrip(b"\r").decode("utf-8", "replace"))

    def wait(self, pred, timeout=None):
        """Returns the first new line for which pred(line) is true, reading
        until the deadline; raises AssertionError on timeout."""
        deadline = time.time() + (timeout or self.timeout)
        start = getattr(self, "_seen", 0)
        while True:
            for i in range(start, len(self.lines)):
                if pred(self.lines[i]):
                    self._seen = i + 1
                    return self.lines[i]
            start = len(self.lines)
            if self.closed or time.time() > deadline:
                raise AssertionError("no matching line; got %r" %
                                     self.lines[-20:])
            self._fill(deadline)

    def expect(self, fragment, timeout=None):
        return self.wait(lambda l: fragment in l, timeout)

    def wait_closed(self, timeout=None):
        deadline = time.time() + (timeout or self.timeout)
        while not self.closed and time.time() < deadline:
            self._fill(deadline)
        return self.closed

    def register(self, nick, caps=(), sasl=None):
        if caps or sasl:
            self.send("CAP LS 302")
        self.send("NICK " + nick, "USER %s 0 * :%s" % (nick, nick))
        if caps:
            self.send("CAP REQ :" + " ".join(caps))
            self.expect(" ACK ")
        if sasl:
            sasl(self)
        if caps or sasl:
            self.send("CAP END")
        self.expect(" 001 ")
        self.wait(lambda l: " 422 " in l or " 376 " in l)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def sasl_plain(account, password):
    def run(c):
        c.send("AUTHENTICATE PLAIN")
        c.expect("AUTHENTICATE +")
        raw = ("\0%s\0%s" % (account, password)).encode()
        c.send("AUTHENTICATE " + base64.b64encode(raw).decode())
        c.wait(lambda l: " 903 " in l or " 904 " in l)
    return run


def sasl_scram_sha256(account, password):
    """RFC 5802 / 7677 client side."""
    def run(c):
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = "n=%s,r=%s" % (account, nonce)
        c.send("AUTHENTICATE SCRAM-SHA-256")
        c.expect("AUTHENTICATE +")
        c.send("AUTHENTICATE " +
               base64.b64encode(("n,," + first_bare).encode()).decode())
        line = c.wait(lambda l: l.startswith("AUTHENTICATE ") or " 904 " in l)
        assert line.startswith("AUTHENTICATE "), line
        server_first = base64.b64decode(line.split(" ", 1)[1]).decode()
        attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
        assert attrs["r"].startswith(nonce)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(),
                                     base64.b64decode(attrs["s"]),
                                     int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", "sha256").digest()
        stored = hashlib.sha256(client_key).digest()
        final_bare = "c=biws,r=" + attrs["r"]
        auth_msg = ",".join([first_bare, server_first, final_bare])
        sig = hmac.new(stored, auth_msg.encode(), "sha256").digest()
        proof = bytes(a ^ b for a, b in zip(client_key, sig))
        final = final_bare + ",p=" + base64.b64encode(proof).decode()
        c.send("AUTHENTICATE " + base64.b64encode(final.encode()).decode())
        line = c.wait(lambda l: l.startswith("AUTHENTICATE ") or " 904 " in l)
        assert line.startswith("AUTHENTICATE "), line
        server_final = base64.b64decode(line.split(" ", 1)[1]).decode()
        server_key = hmac.new(salted, b"Server Key", "sha256").digest()
        want = hmac.new(server_key, auth_msg.encode(), "sha256").digest()
        assert server_final == "v=" + base64.b64encode(want).decode()
        c.send("AUTHENTICATE +")
        c.wait(lambda l: " 903 " in l or " 904 " in l)
    return run
