"""Signals on the real binary.

SIGHUP reloads the config and the certificate: new TLS handshakes get the
new certificate while open connections (plain and TLS) stay. SIGTERM says
goodbye through each protocol (IRC gets ERROR), closes every connection and
exits 0 within a few seconds."""
import hashlib
import os
import select
import shutil
import signal
import socket
import ssl
import subprocess
import time

from reedtest import ReedServer, built_modules


def wait_log(srv, text, timeout=10.0, count=1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(text in l for l in srv.log_lines) >= count:
            return True
        srv._readline(0.2)
    return False


def still_open(sock):
    """True if the peer has not closed (no EOF pending)."""
    r, _, _ = select.select([sock], [], [], 0.2)
    if not r:
        return True
    if not isinstance(sock, ssl.SSLSocket):
        return sock.recv(65536, socket.MSG_PEEK) != b""
    sock.setblocking(False)
    try:
        return sock.recv(65536) != b""
    except ssl.SSLWantReadError:
        return True  # only TLS records without data (session tickets)
    finally:
        sock.settimeout(5)


def make_cert(d, name):
    cert, key = os.path.join(d, name + ".crt"), os.path.join(d, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", "/CN=localhost", "-days", "2", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    return cert, key


def tls_connect(port):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    s = ctx.wrap_socket(raw)
    return s, hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest()


def der_fp(path):
    der = subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def read_to_eof(sock):
    sock.settimeout(5)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def main():
    mods = built_modules()
    d = os.path.join(os.environ.get("REED_TMP", "/tmp"),
                     "reed-e2e-signals-%d" % os.getpid())
    os.makedirs(d, exist_ok=True)
    live_cert, live_key = make_cert(d, "live")
    next_cert, next_key = make_cert(d, "next")
    old_fp, new_fp = der_fp(live_cert), der_fp(next_cert)
    extra = {"server": {"tls_cert": live_cert, "tls_key": live_key}}
    with ReedServer(extra_ini=extra) as srv:
        plain, tls = [], []
        for (proto, kind), port in sorted(srv.ports.items()):
            if kind == "tcp":
                plain.append((proto, socket.create_connection(
                    ("127.0.0.1", port), timeout=5)))
            else:
                s, fp = tls_connect(port)
                assert fp == old_fp, (fp, old_fp)
                tls.append((proto, port, s))
        for proto, s in plain:
            if proto == "irc":
                s.sendall(b"NICK sig\r\nUSER s 0 * :s\r\n")

        shutil.copy(next_cert, live_cert)
        shutil.copy(next_key, live_key)
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "reload: certificate"), srv.log_lines
        for proto, port, s in tls:
            s2, fp = tls_connect(port)
            assert fp == new_fp, (proto, fp, new_fp)
            s2.close()
        for _, s in plain:
            assert still_open(s)
        for _, _, s in tls:
            assert still_open(s)

        # A new listener is bound by a reload.
        ini = os.path.join(srv.dir, "reed.ini")
        with open(ini) as f:
            text = f.read()
        header = "[%s]\n" % mods[0]
        with open(ini, "w") as f:
            f.write(text.replace(header, header + "listen = "
                                 "tcp:0:interface=127.0.0.1:backlog=32\n", 1))
        before = sum("listening %s tcp " % mods[0] in l for l in srv.log_lines)
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "listening %s tcp " % mods[0], count=before + 1)
        assert srv.proc.poll() is None

        # A broken config on reload is reported and changes nothing.
        with open(os.path.join(srv.dir, "reed.ini"), "a") as f:
            f.write("[server]\nbogus_key = 1\n")
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "reload: config has errors; kept"), srv.log_lines
        assert srv.proc.poll() is None
        for _, s in plain:
            assert still_open(s)

        t0 = time.time()
        rc = srv.stop(signal.SIGTERM, timeout=5)
        assert rc == 0, (rc, srv.log_lines)
        assert time.time() - t0 < 5
        for proto, s in plain:
            data = read_to_eof(s)
            if proto == "irc":
                assert b"ERROR" in data, data
            s.close()
        for _, _, s in tls:
            s.close()
    shutil.rmtree(d, ignore_errors=True)
    print("ok: %d plain, %d tls, modules %s" % (len(plain), len(tls), mods))


if __name__ == "__main__":
    main()
