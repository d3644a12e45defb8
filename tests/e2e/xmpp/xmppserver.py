"""Start an XMPP server for an end-to-end test: reed (the built binary) or
Prosody (the reference), on free ports of 127.0.0.1, with a fresh data dir
and a self-signed certificate for the domain.

    with XmppServer(server_kind()) as srv:
        srv.add_user("alice", "pw")
        ... srv.host, srv.port (STARTTLS), srv.tls_port (XEP-0368),
            srv.domain, srv.cafile ...

The kind comes from the first command-line argument or XMPP_SERVER
(default "reed"). Every wait is bounded; servers are ended by their PID.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from reedtest import ReedServer, reed_bin

DOMAIN = "localhost"
HERE = os.path.dirname(os.path.abspath(__file__))


def server_kind():
    if len(sys.argv) > 1:
        return sys.argv[1]
    return os.environ.get("XMPP_SERVER", "reed")


def make_cert(d, name=DOMAIN):
    """A self-signed certificate for name (CN and SAN); returns (crt, key)."""
    crt, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                    "-subj", "/CN=" + name, "-addext",
                    "subjectAltName=DNS:" + name], check=True,
                   capture_output=True, timeout=60)
    return crt, key


def free_port():
    """A port free now (Prosody cannot report a port 0 it bound)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on %d" % port)


def started(*users, password="pw"):
    """A started server of server_kind() with these accounts."""
    srv = XmppServer(server_kind()).start()
    for u in users:
        srv.add_user(u, password)
    return srv


class XmppServer:
    def __init__(self, kind="reed", extra_ini=None):
        self.kind = kind
        self.domain = DOMAIN
        self.host = "127.0.0.1"
        base = os.environ.get("REED_TMP") or None
        self.dir = tempfile.mkdtemp(prefix="xmpp-e2e-", dir=base)
        self.cafile, self.keyfile = make_cert(self.dir)
        self.extra_ini = extra_ini or {}
        self.proc = None
        self.reed = None
        self.port = self.tls_port = None

    # -- reed ------------------------------------------------------------
    def _start_reed(self):
        ini = {"server": {"name": self.domain, "tls_cert": self.cafile,
                          "tls_key": self.keyfile}}
        for sec, kv in self.extra_ini.items():
            ini.setdefault(sec, {}).update(kv)
        if self.reed is None:
            self.reed = ReedServer(
                listeners={"xmpp": ["tcp:0:interface=127.0.0.1",
                                    "ssl:0:interface=127.0.0.1"]},
                extra_ini=ini, data_dir=os.path.join(self.dir, "reed"))
        self.reed.start()
        self.proc = self.reed.proc
        self.port = self.reed.port("xmpp", "tcp")
        self.tls_port = self.reed.port("xmpp", "ssl")

    def _add_user_reed(self, name, password):
        conf = os.path.join(self.reed.dir, "reed.ini")  # written at start
        r = subprocess.run([reed_bin(), "account", "add", "--config", conf,
                            name], input=password, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r

    # -- prosody ---------------------------------------------------------
    def _prosody_config(self):
        with open(os.path.join(HERE, "prosody.cfg.lua.in")) as f:
            text = f.read()
        subst = {"DIR": self.dir, "PORT": str(self.port),
                 "TLS_PORT": str(self.tls_port), "DOMAIN": self.domain,
                 "CERT": self.cafile, "KEY": self.keyfile}
        for k, v in subst.items():
            text = text.replace("@%s@" % k, v)
        path = os.path.join(self.dir, "prosody.cfg.lua")
        with open(path, "w") as f:
            f.write(text)
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        return path

    def _start_prosody(self):
        if self.port is None:
            self.port, self.tls_port = free_port(), free_port()
        conf = self._prosody_config()
        self.log = open(os.path.join(self.dir, "prosody.log"), "ab")
        self.proc = subprocess.Popen(["prosody", "--config", conf],
                                     stdout=self.log, stderr=self.log)
        wait_port(self.port, self.proc)
        wait_port(self.tls_port, self.proc)

    def _add_user_prosody(self, name, password):
        r = subprocess.run(["prosodyctl", "--config", self._prosody_config(),
                            "register", name, self.domain, password],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r

    # -- common ----------------------------------------------------------
    def start(self):
        getattr(self, "_start_" + self.kind)()
        return self

    def add_user(self, name, password):
        getattr(self, "_add_user_" + self.kind)(name, password)

    def stop(self, timeout=10.0):
        if self.kind == "reed":
            return self.reed.stop(timeout=timeout)
        if self.proc is None or self.proc.poll() is not None:
            return None
        self.proc.terminate()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def restart(self):
        self.stop()
        return self.start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def pid(self):
        return self.proc.pid

    def jid(self, user):
        return "%s@%s" % (user, self.domain)

    def __enter__(self):
        # Test factories may start the server first (to add accounts).
        return self if self.alive() else self.start()

    def __exit__(self, *exc):
        self.stop()
        if self.reed is not None:
            self.reed.__exit__(None, None, None)
        if not os.environ.get("REED_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
        return False
