"""Signals on the real binary: SIGHUP reloads (log line, open connections
stay), SIGTERM closes every connection and exits 0 within a few seconds."""
import select
import signal
import socket
import time

from reedtest import ReedServer, built_modules


def wait_log(srv, text, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(text in l for l in srv.log_lines):
            return True
        srv._readline(0.2)
    return False


def still_open(sock):
    """True if the peer has not closed (no EOF pending)."""
    r, _, _ = select.select([sock], [], [], 0.2)
    if not r:
        return True
    try:
        return sock.recv(65536, socket.MSG_PEEK) != b""
    except OSError:
        return False


def main():
    mods = built_modules()
    with ReedServer() as srv:
        socks = []
        for (proto, kind), port in srv.ports.items():
            if kind == "tcp":
                socks.append(socket.create_connection(("127.0.0.1", port)))
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "reload: certificate"), srv.log_lines
        for s in socks:
            assert still_open(s)
        t0 = time.time()
        rc = srv.stop(signal.SIGTERM, timeout=5)
        assert rc == 0, (rc, srv.log_lines)
        assert time.time() - t0 < 5
        for s in socks:
            s.settimeout(5)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            s.close()
        print("ok: %d connections, modules %s" % (len(socks), mods))


if __name__ == "__main__":
    main()
