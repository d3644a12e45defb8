"""SIGHUP applies new [server] limits to new connections while the open
ones stay: a per-IP limit set by a reload refuses the next connection with
a short error line, and lifting it again lets connections in. A changed
data_dir is refused with the reason (a restart is needed)."""
import os
import signal
import socket
import time

from reedtest import ReedServer, built_modules


def wait_log(srv, text, count=1, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(text in l for l in srv.log_lines) >= count:
            return True
        srv._readline(0.2)
    return False


def set_server_key(srv, key, value):
    """Rewrites (or adds) one [server] key of the running server's file."""
    ini = os.path.join(srv.dir, "reed.ini")
    with open(ini) as f:
        lines = [l for l in f.read().splitlines()
                 if not l.startswith(key + " =")]
    i = lines.index("[server]")
    lines.insert(i + 1, "%s = %s" % (key, value))
    with open(ini, "w") as f:
        f.write("\n".join(lines) + "\n")


def read_to_eof(sock):
    sock.settimeout(10)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def main():
    proto = built_modules()[0]
    extra = {"server": {"max_connections_per_ip": "0"}}
    with ReedServer(extra_ini=extra) as srv:
        port = srv.port(proto, "tcp")
        open_socks = [socket.create_connection(("127.0.0.1", port))
                      for _ in range(3)]
        set_server_key(srv, "max_connections_per_ip", "3")
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "reload: certificate"), srv.log_lines
        extra_sock = socket.create_connection(("127.0.0.1", port))
        data = read_to_eof(extra_sock)
        assert b"too many connections from your address" in data, data
        assert wait_log(srv, "refused 127.0.0.1")
        # The three that were there stay.
        for s in open_socks:
            s.setblocking(False)
            try:
                assert s.recv(65536) != b""
            except BlockingIOError:
                pass  # nothing to read: still open
        set_server_key(srv, "max_connections_per_ip", "0")
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "reload: certificate", count=2)
        more = socket.create_connection(("127.0.0.1", port))
        more.settimeout(1.0)
        try:
            data = more.recv(65536)  # a greeting, or nothing yet
            assert data and b"too many connections" not in data, data
        except socket.timeout:
            pass
        assert sum("refused 127.0.0.1" in l for l in srv.log_lines) == 1
        # A new data_dir is refused, saying why, and nothing else changes.
        set_server_key(srv, "data_dir", os.path.join(srv.dir, "elsewhere"))
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "reload: data_dir changed"), srv.log_lines
        line = [l for l in srv.log_lines if "data_dir changed" in l][0]
        assert "needs a restart" in line and "config kept" in line, line
        assert wait_log(srv, "reload: certificate", count=3)
        assert not any("cannot make a certificate" in l
                       for l in srv.log_lines), srv.log_lines
        assert not os.path.exists(os.path.join(srv.dir, "elsewhere"))
        assert srv.proc.poll() is None
        assert srv.stop(signal.SIGTERM, timeout=5) == 0
        for s in open_socks + [more]:
            s.close()
    print("ok")


if __name__ == "__main__":
    main()
