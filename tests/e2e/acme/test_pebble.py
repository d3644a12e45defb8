"""reed's ACME client against pebble (Debian 12's ACME test server).

reed starts first, on port 0 everywhere, with [acme] pointing at a pebble
that is not up yet: its first attempts fail, are logged and retried with
backoff. pebble then starts on loopback ports the test picked, with a test
CA made here for its own HTTPS, 300-second certificates, and its http-01
port set to reed's HTTP listener. The test asserts that reed obtains a
certificate for the name, that its IRC TLS listener serves it (the chain
verifies against pebble's root, the leaf is issued by pebble's
intermediate), and that a renewal (renew_fraction = 0.05: 15 s into the
300) installs a new certificate while a TLS client that connected before
it stays connected and keeps chatting, and that new connections see the
new serial. Every wait is bounded.
"""
import json
import os
import re
import signal
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from reedtest import ReedServer, wait_until

NAME = "localhost"
INSTALLED = "acme: certificate for %s installed: serial " % NAME


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=30)


def make_test_ca(d):
    """A CA and a certificate for 127.0.0.1/localhost for pebble's HTTPS."""
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    key, csr = os.path.join(d, "key.pem"), os.path.join(d, "srv.csr")
    cert, ext = os.path.join(d, "cert.pem"), os.path.join(d, "ext")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key, "-out",
            ca, "-days", "2", "-subj", "/CN=reed test CA for pebble")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
            "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext)
    return ca, cert, key


class Pebble:
    def __init__(self, d, http_port):
        self.dir = d
        self.ca, cert, key = make_test_ca(d)
        self.port, self.mgmt = free_port(), free_port()
        conf = {"pebble": {
            "listenAddress": "127.0.0.1:%d" % self.port,
            "managementListenAddress": "127.0.0.1:%d" % self.mgmt,
            "certificate": cert, "privateKey": key,
            "httpPort": http_port, "tlsPort": free_port(),
            "ocspResponderURL": "", "externalAccountBindingRequired": False,
            "certificateValidityPeriod": 300}}
        self.conf = os.path.join(d, "pebble.json")
        with open(self.conf, "w") as f:
            json.dump(conf, f)
        self.log = open(os.path.join(d, "pebble.log"), "w")
        self.proc = None

    def directory(self):
        return "https://127.0.0.1:%d/dir" % self.port

    def start(self):
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1")
        self.proc = subprocess.Popen(["pebble", "-config", self.conf],
                                     stdout=self.log, stderr=self.log,
                                     env=env, cwd=self.dir)
        ctx = ssl.create_default_context(cafile=self.ca)
        ok = wait_until(lambda: self._get("/roots/0", ctx) is not None,
                        timeout=30, step=0.2)
        assert ok, "pebble did not start"

    def _get(self, path, ctx):
        try:
            url = "https://127.0.0.1:%d%s" % (self.mgmt, path)
            with urllib.request.urlopen(url, context=ctx, timeout=5) as r:
                return r.read().decode()
        except OSError:
            return None

    def pem(self, path):
        return self._get(path, ssl.create_default_context(cafile=self.ca))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def serials(srv):
    return [l.split(INSTALLED, 1)[1].split(",")[0]
            for l in srv.log_lines if INSTALLED in l]


def norm(serial):
    return serial.upper().lstrip("0")


def tls_connect(port, root_pem):
    """A verified TLS connection to reed: pebble's root as the only trust
    anchor, the name checked."""
    ctx = ssl.create_default_context(cadata=root_pem)
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ctx.wrap_socket(raw, server_hostname=NAME)


class Irc:
    def __init__(self, sock, nick):
        self.sock, self.nick, self.buf = sock, nick, b""
        self.send("NICK %s" % nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.expect(" 001 ")

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def expect(self, text, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\r\n" in self.buf:
                line, self.buf = self.buf.split(b"\r\n", 1)
                line = line.decode(errors="replace")
                if line.startswith("PING "):
                    self.send("PONG " + line[5:])
                if text in line:
                    return line
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                data = self.sock.recv(4096)
            except (socket.timeout, ssl.SSLWantReadError):
                continue
            assert data, "%s: connection closed" % self.nick
            self.buf += data
        raise AssertionError("%s: no %r within %ss" % (self.nick, text,
                                                       timeout))


def chat(a, b, text):
    a.send("PRIVMSG #acme :%s" % text)
    b.expect("PRIVMSG #acme :%s" % text)


def main():
    if shutil.which("pebble") is None:
        sys.exit("pebble is not installed (scripts/deps.sh test)")
    d = tempfile.mkdtemp(prefix="reed-acme-",
                         dir=os.environ.get("REED_TMP") or None)
    http_port = free_port()
    pebble = Pebble(d, http_port)
    srv = ReedServer(
        listeners={"irc": ["tcp:0:interface=127.0.0.1",
                           "ssl:0:interface=127.0.0.1"],
                   "http": ["tcp:%d:interface=127.0.0.1" % http_port]},
        extra_ini={"acme": {"directory": pebble.directory(),
                            "ca_file": pebble.ca, "names": NAME,
                            "contact": "ops@example.org",
                            "renew_fraction": "0.05",
                            "retry_min": "1s", "retry_max": "2s"}})
    try:
        srv.start()
        # pebble is not up yet: the first attempt fails and is retried.
        assert wait_until(lambda: any("acme: directory failed" in l
                                      for l in srv.log_lines), 30), \
            srv.log_lines
        assert wait_until(lambda: any("acme: attempt 1 failed; next in 1 s"
                                      in l for l in srv.log_lines), 5)
        # A token the client is not answering is 404 on the HTTP listener.
        try:
            urllib.request.urlopen(
                "http://127.0.0.1:%d/.well-known/acme-challenge/%s"
                % (http_port, "A" * 43), timeout=10)
            raise AssertionError("an unknown token was answered")
        except urllib.error.HTTPError as e:
            assert e.code == 404, e.code
        pebble.start()
        assert wait_until(lambda: serials(srv), 60, 0.1), srv.log_lines
        first = serials(srv)[0]
        root = pebble.pem("/roots/0")
        inter = pebble.pem("/intermediates/0")
        assert root and inter

        # The IRC TLS listener serves pebble's certificate for the name.
        tls = tls_connect(srv.port("irc", "ssl"), root)
        cert = tls.getpeercert()
        assert norm(cert["serialNumber"]) == norm(first), (cert, first)
        inter_cn = subprocess.run(
            ["openssl", "x509", "-noout", "-subject", "-nameopt", "multiline"],
            input=inter, capture_output=True, text=True,
            timeout=10).stdout.split("commonName", 1)[1].split("=", 1)[1]
        issuer = dict(x[0] for x in cert["issuer"])
        assert issuer["commonName"] == inter_cn.strip(), (issuer, inter_cn)
        assert ("DNS", NAME) in cert["subjectAltName"]

        a = Irc(tls, "tlsuser")
        b = Irc(socket.create_connection(("127.0.0.1", srv.port("irc")),
                                         timeout=10), "plainuser")
        a.send("JOIN #acme")
        a.expect("JOIN")
        b.send("JOIN #acme")
        b.expect("JOIN")
        a.expect("plainuser")

        # Chat until a renewal installs a new certificate (15 s in).
        n = 0
        deadline = time.time() + 90
        while len(serials(srv)) < 2 and time.time() < deadline:
            n += 1
            chat(a, b, "before renewal %d" % n)
            time.sleep(0.5)
        assert len(serials(srv)) >= 2, srv.log_lines
        second = serials(srv)[1]
        assert norm(second) != norm(first)

        # The client from before keeps its session and keeps chatting.
        for i in range(3):
            chat(a, b, "after renewal %d" % i)
            chat(b, a, "reply %d" % i)
        a.send("PING :still-here")
        a.expect("still-here")

        # New handshakes see the new certificate.
        assert wait_until(
            lambda: norm(tls_connect(srv.port("irc", "ssl"), root)
                         .getpeercert()["serialNumber"]) != norm(first),
            10, 0.2)
        fresh = tls_connect(srv.port("irc", "ssl"), root).getpeercert()
        assert norm(fresh["serialNumber"]) in [norm(s) for s in
                                               serials(srv)[1:]], fresh
        # A name the CA cannot validate, by SIGHUP: the failure is logged
        # with the CA's problem document and retried with backoff, and the
        # certificate held serves meanwhile.
        held = serials(srv)[-1]
        mark = len(srv.log_lines)
        srv.extra_ini["acme"]["names"] = "nosuch.invalid"
        srv.write_config()
        srv.signal(signal.SIGHUP)

        def since(text):
            return [l for l in srv.log_lines[mark:] if text in l]
        assert wait_until(lambda: since("acme: [acme] changed"), 10)
        assert wait_until(lambda: since("attempt 2 failed; next in 2 s; "
                                        "the current certificate serves "
                                        "meanwhile"), 60), srv.log_lines[mark:]
        problems = [l for l in since(" failed: ")
                    if re.search(r"acme: .* failed: (HTTP \d+ )?"
                                 r"urn:ietf:params:acme:error:\w+: \S", l)]
        assert len(problems) >= 2, srv.log_lines[mark:]
        now = tls_connect(srv.port("irc", "ssl"), root).getpeercert()
        assert serials(srv)[-1] == held, serials(srv)
        assert norm(now["serialNumber"]) == norm(held), (now, held)
        chat(a, b, "after the failure")
        # A clean exit (under ASan: no leak) with a retry pending or in
        # flight.
        rc = srv.stop()
        assert rc == 0, (rc, srv.log_lines[-20:])

        # The keys are the server's alone; a restart with the name back
        # serves the stored certificate from its first handshake.
        data = os.path.join(srv.dir, "data")
        for f in ("acme-account-key.pem", "acme-key.pem"):
            mode = os.stat(os.path.join(data, f)).st_mode & 0o777
            assert mode == 0o600, (f, oct(mode))
        srv.extra_ini["acme"]["names"] = NAME
        again = ReedServer(listeners=srv.listeners, extra_ini=srv.extra_ini,
                           data_dir=srv.dir)
        try:
            again.start()
            served = tls_connect(again.port("irc", "ssl"), root).getpeercert()
            assert norm(served["serialNumber"]) == norm(held), (served, held)
            assert any(INSTALLED + held in l for l in again.log_lines)
            assert again.stop() == 0
        finally:
            again.stop()
        print("ok: first %s, renewed %s, %d messages across; %s" %
              (first, second, n, problems[0].strip()))
    finally:
        srv.stop()
        pebble.stop()
        if not os.environ.get("REED_KEEP"):
            shutil.rmtree(d, ignore_errors=True)
        srv.__exit__(None, None, None)


if __name__ == "__main__":
    main()
