"""Server bans end to end: `reed ban add` from the command line while a
server runs disconnects a connected IRC user and a connected AMP user with
the reason (within the server's one-second look at the store), refuses
their reconnection (IRC 465 and ERROR, AMP a Closing box; an account ban
answers AMP's Login with BANNED), lists the bans with their expiry, and a
short ban expires on its own. Then an IRC operator's UBAN, STATS and
REHASH on the same server."""
import os
import socket
import subprocess
import time

from reedtest import ReedServer, built_modules, reed_bin, wait_until


def ban(conf, *args):
    argv = [reed_bin(), "ban", args[0], "--config", conf] + list(args[1:])
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


# ---- IRC, raw -----------------------------------------------------------

class Irc:
    def __init__(self, port, nick, user="vic"):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.s.sendall(b"NICK %s\r\nUSER %s 0 * :x\r\n" %
                       (nick.encode(), user.encode()))

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


# ---- AMP, raw (the box codec is small enough to write here) --------------

def box(**kv):
    out = b""
    for k, v in kv.items():
        k, v = k.encode(), v.encode() if isinstance(v, str) else v
        out += len(k).to_bytes(2, "big") + k + len(v).to_bytes(2, "big") + v
    return out + b"\0\0"


class Amp:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.eof = False

    def call(self, command, **kv):
        kv = dict(kv)
        kv["_command"] = command
        kv["_ask"] = "1"
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

    def closed(self, timeout=10.0):
        while self.next_box(timeout) is not None:
            pass
        return self.eof


def amp_register(port, name):
    a = Amp(port)
    a.call("Register", username=name, password="pw-%s-long" % name)
    r = a.wait_for(lambda b: "_answer" in b or "_error" in b)
    assert r is not None and "_answer" in r, r
    return a


def closing(a):
    b = a.wait_for(lambda b: b.get("_command") == "Closing")
    assert b is not None, "no Closing box"
    return b["reason"]


def main():
    if not {"irc", "amp"} <= set(built_modules()):
        print("irc or amp not built: nothing to test")
        return
    with ReedServer(extra_ini={"irc": {"oper": "root s3cret"}}) as srv:
        conf = srv.write_config()
        irc_port, amp_port = srv.port("irc", "tcp"), srv.port("amp", "tcp")

        # A connected IRC user and AMP user; the address ban takes both.
        victim = Irc(irc_port, "victim")
        assert b" 001 " in victim.read_until(b" 001 "), victim.buf
        amp = amp_register(amp_port, "ampvic")
        r = ban(conf, "add", "--duration", "4s", "127.0.0.1", "maintenance",
                "window")
        assert r.returncode == 0, r
        assert "ban on 127.0.0.1 (ip): added for 4s" in r.stdout, r
        t0 = time.time()
        assert victim.closed(), victim.buf
        assert (b"ERROR :Closing Link: 127.0.0.1 (Killed (localhost "
                b"(Banned: maintenance window)))") in victim.buf, victim.buf
        assert closing(amp) == "Killed: Banned: maintenance window"
        print("IRC and AMP users disconnected %.1f s after the CLI ban" %
              (time.time() - t0))
        # Reconnecting is refused at once, in each protocol's terms.
        again = Irc(irc_port, "victim")
        assert again.closed(), again.buf
        assert (b" 465 * :You are banned from this server: maintenance "
                b"window") in again.buf, again.buf
        assert b"(Banned: maintenance window)" in again.buf, again.buf
        a2 = Amp(amp_port)
        assert closing(a2) == "Banned: maintenance window"
        r = ban(conf, "list")
        assert r.returncode == 0 and "ip 127.0.0.1 set by cli" in r.stdout, r
        assert "expires 20" in r.stdout, r
        # The short ban expires on its own.
        assert wait_until(lambda: time.time() > t0 + 4.5, timeout=10)
        back = Irc(irc_port, "victim")
        assert b" 001 " in back.read_until(b" 001 "), back.buf
        r = ban(conf, "list")
        assert "(expired)" in r.stdout, r
        print("the 4 s ban expired: reconnect accepted")

        # An account ban: the AMP Login answer says BANNED with the reason.
        amp = amp_register(amp_port, "ampacct")
        r = ban(conf, "add", "ampacct", "account", "abuse")
        assert r.returncode == 0, r
        assert closing(amp) == "Killed: Banned: account abuse"
        a3 = Amp(amp_port)
        a3.call("Login", username="ampacct", password="pw-ampacct-long")
        r3 = a3.wait_for(lambda b: "_error" in b or "_answer" in b)
        assert r3 is not None and r3.get("_error_code") == "BANNED", r3
        assert r3["_error_description"] == "Banned: account abuse", r3
        assert closing(a3) == "Banned: account abuse"
        r = ban(conf, "del", "ampacct")
        assert r.returncode == 0 and "lifted" in r.stdout, r
        print("account ban refuses the AMP login with BANNED: ok")

        # The operator's side: UBAN on a mask, STATS, REHASH.
        op = Irc(irc_port, "oper1", user="op")
        op.read_until(b" 001 ")
        op.send("OPER root s3cret")
        assert b" 381 " in op.read_until(b" 381 ")
        target = Irc(irc_port, "target", user="bad")
        target.read_until(b" 001 ")
        op.send("UBAN ADD *!~bad@* DURATION 1h :go away")
        assert b"Ban added on *!~bad@*" in op.read_until(b"Ban added")
        assert target.closed(), target.buf
        assert b"(Banned: go away)" in target.buf, target.buf
        r = ban(conf, "list")
        assert "mask *!~bad@* set by oper1" in r.stdout, r
        op.send("STATS k")
        assert b" 216 oper1 K *!~bad@* mask oper1 20" in \
            op.read_until(b" 219 oper1 k "), op.buf
        op.send("STATS p")
        out = op.read_until(b" 219 oper1 p ")
        assert b" 249 oper1 p :irc " in out and b" 249 oper1 p :amp " in out, \
            out
        op.send("STATS l")
        assert (b" 249 oper1 l :irc tcp 127.0.0.1 %d" % irc_port) in \
            op.read_until(b" 219 oper1 l "), op.buf
        op.send("STATS u")
        assert b" 242 oper1 :Server Up 0 days " in op.read_until(b" 242 ")
        op.send("UBAN DEL *!~bad@*")
        assert b"Ban removed on *!~bad@*" in op.read_until(b"Ban removed")
        op.send("REHASH")
        assert b" 382 oper1 " in op.read_until(b" 382 "), op.buf
        assert wait_until(lambda: any("reload asked for by an operator" in l
                                      for l in srv.log_lines)), srv.log_lines
        for needle in ("audit: UBAN ADD by oper1", "audit: REHASH by oper1",
                       "store: ban on 127.0.0.1 set by cli",
                       "irc: refused 127.0.0.1: banned (127.0.0.1)"):
            assert any(needle in l for l in srv.log_lines), (needle,
                                                             srv.log_lines)
        print("UBAN, STATS k/p/l/u and REHASH: ok")
        for c in (back, op):
            c.s.close()
    print("ok")


if __name__ == "__main__":
    main()
