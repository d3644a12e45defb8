#!/usr/bin/python3
"""bench/tls_idle/tls_idle.py: the idle cost of a TLS IRC client against a
plain one on reed (issue 20). For each kind, a fresh reed (bench/peers/
start.sh's reed config with an ssl listener added, its self-signed
certificate), N clients that register (NICK/USER, 001) and answer one PING
round trip, a pause, and the server's VmRSS growth over N. Clients are
blocking sockets set up from a few threads so that the waits overlap.

usage: tls_idle.py [-n 2000] [--threads 8]   (REED_BIN: build/bench-release)
"""
import argparse
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start_reed(tmp, tls):
    port = free_port()
    subprocess.run([os.path.join(ROOT, "bench/peers/start.sh"), "reed", tmp,
                    str(port)], env=dict(os.environ, REED_BIN="/bin/true"),
                   check=True, stdout=subprocess.DEVNULL)
    ini = os.path.join(tmp, "reed.ini")
    with open(ini) as f:
        conf = f.read()
    if tls:
        conf = conf.replace(f"listen = tcp:{port}:interface=127.0.0.1",
                            f"listen = ssl:{port}:interface=127.0.0.1")
    with open(ini, "w") as f:
        f.write(conf)
    bin_ = os.environ.get("REED_BIN",
                          os.path.join(ROOT, "build/bench-release/server/reed"))
    proc = subprocess.Popen([bin_, "--config", ini], stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.05)
    time.sleep(0.5)
    return proc, port


def client(port, tls, nick, ctx, out, i):
    s = socket.create_connection(("127.0.0.1", port), 30)
    if tls:
        s = ctx.wrap_socket(s, server_hostname="localhost")
    s.sendall(f"NICK {nick}\r\nUSER u 0 * :r\r\nPING :x\r\n".encode())
    buf = b""
    while b" PONG " not in buf:
        d = s.recv(65536)
        if not d:
            raise OSError("closed")
        buf += d
    if b" 001 " not in buf:
        raise OSError("not registered")
    out[i] = s


def run(kind, n, threads):
    tls = kind == "tls"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with tempfile.TemporaryDirectory(prefix="reed-tls-idle.") as tmp:
        proc, port = start_reed(tmp, tls)
        try:
            before = rss_kb(proc.pid)
            socks = [None] * n
            errors = []

            def worker(t):
                for i in range(t, n, threads):
                    try:
                        client(port, tls, f"{kind[0]}{i}", ctx, socks, i)
                    except OSError as e:
                        errors.append(str(e))

            ts = [threading.Thread(target=worker, args=(t,))
                  for t in range(threads)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            time.sleep(1.0)
            after = rss_kb(proc.pid)
            ok = n - len(errors)
            for s in socks:
                if s is not None:
                    s.close()
            return before, after, ok
        finally:
            proc.terminate()
            proc.wait(10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=8)
    a = ap.parse_args()
    rows = {}
    for kind in ("plain", "tls"):
        before, after, ok = run(kind, a.n, a.threads)
        per = (after - before) * 1024 / max(ok, 1)
        rows[kind] = per
        print(f"RESULT kind={kind} clients={a.n} registered={ok} "
              f"rss_before_kb={before} rss_after_kb={after} "
              f"bytes_per_client={per:.0f}")
    print(f"tls - plain: {rows['tls'] - rows['plain']:.0f} bytes per client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
