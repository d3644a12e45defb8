"""reed speaks systemd's readiness protocol itself: started with
NOTIFY_SOCKET naming a datagram socket this test binds (a path, then an
abstract '@' name), it sends READY=1 once its listeners accept, RELOADING=1
with MONOTONIC_USEC and then READY=1 around SIGHUP, and STOPPING=1 at
SIGTERM, in that order. An address it cannot use is logged, not fatal."""
import os
import signal
import socket
import time

from reedtest import ReedServer


def recv(sock):
    sock.settimeout(20)
    return sock.recv(4096).decode()


def fields(msg):
    return dict(line.split("=", 1) for line in msg.split("\n") if line)


def run(address, bind_to):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(bind_to)
    os.environ["NOTIFY_SOCKET"] = address
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]})
    try:
        srv.start()
        assert fields(recv(sock)).get("READY") == "1"
        # READY came after the bind: the listener takes a connection.
        socket.create_connection(("127.0.0.1", srv.port("irc")), 5).close()
        srv.signal(signal.SIGHUP)
        f = fields(recv(sock))
        assert f.get("RELOADING") == "1", f
        usec = int(f["MONOTONIC_USEC"])
        # The manager compares it with CLOCK_MONOTONIC: the same clock.
        assert 0 < usec <= time.monotonic_ns() // 1000, (usec, f)
        assert fields(recv(sock)).get("READY") == "1"
        assert srv.stop() == 0
        assert fields(recv(sock)).get("STOPPING") == "1"
        sock.settimeout(0.2)
        try:
            extra = sock.recv(4096)
        except socket.timeout:
            extra = None
        assert extra is None, extra
    finally:
        srv.__exit__(None, None, None)
        del os.environ["NOTIFY_SOCKET"]
        sock.close()


def unusable_address():
    os.environ["NOTIFY_SOCKET"] = "not-a-socket-address"
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]})
    try:
        srv.start()
        deadline = time.time() + 10
        want = "cannot notify the service manager: invalid argument"
        while not any(want in ln for ln in srv.log_lines):
            assert time.time() < deadline, srv.log_lines
            time.sleep(0.05)
        socket.create_connection(("127.0.0.1", srv.port("irc")), 5).close()
        assert srv.stop() == 0
    finally:
        srv.__exit__(None, None, None)
        del os.environ["NOTIFY_SOCKET"]


def main():
    d = os.environ.get("REED_TMP") or "/tmp"
    path = os.path.join(d, "notify-%d.sock" % os.getpid())
    if os.path.exists(path):
        os.unlink(path)
    run(path, path)
    os.unlink(path)
    name = "reed-e2e-notify-%d" % os.getpid()
    run("@" + name, "\0" + name)
    unusable_address()
    print("ok")


if __name__ == "__main__":
    main()
