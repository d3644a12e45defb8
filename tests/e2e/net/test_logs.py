"""The process log: stamped RFC 3339 UTC lines on stderr; "<N>LEVEL" lines
with no stamp when stderr is the journal (JOURNAL_STREAM names stderr's
device:inode, and only then); `[server] log_file` takes the lines and is
opened again on SIGHUP after logrotate moved it; a reload is audited; a
failed TLS handshake is logged with OpenSSL's reason."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

from reedtest import (ReedServer, STAMP_RE, built_modules, log_message,
                      reed_bin)


def wait_file(path, text, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                data = f.read()
            if text in data:
                return data
        time.sleep(0.05)
    raise AssertionError("no %r in %s" % (text, path))


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def run_to_file(conf, err_path, env):
    """reed with stderr on err_path; returns the process once it listens."""
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([reed_bin(), "--config", conf], env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    wait_file(err_path, "listening ")
    return proc


def journal_style(tmp, conf):
    err_path = os.path.join(tmp, "journal.err")
    open(err_path, "wb").close()
    st = os.stat(err_path)
    env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
    proc = run_to_file(conf, err_path, env)
    assert stop(proc) == 0
    with open(err_path) as f:
        lines = f.read().splitlines()
    assert lines and all(l.startswith("<") for l in lines), lines
    assert any(l.startswith("<6>INFO listening ") for l in lines), lines
    # A JOURNAL_STREAM that names another file: stderr is not the journal.
    other = os.path.join(tmp, "other.err")
    env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
    proc = run_to_file(conf, other, env)
    assert stop(proc) == 0
    with open(other) as f:
        lines = f.read().splitlines()
    assert lines and all(STAMP_RE.match(l) for l in lines), lines


def log_file_reopened(srv_dir, conf):
    log = os.path.join(srv_dir, "reed.log")
    text = open(conf).read().replace("[server]\n",
                                     "[server]\nlog_file = %s\n" % log, 1)
    with open(conf, "w") as f:
        f.write(text)
    err_path = os.path.join(srv_dir, "stderr")
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([reed_bin(), "--config", conf],
                                stdout=subprocess.DEVNULL, stderr=err)
    data = wait_file(log, "listening ")
    assert all(STAMP_RE.match(l) for l in data.splitlines()), data
    os.rename(log, log + ".1")  # what logrotate does
    proc.send_signal(signal.SIGHUP)
    data = wait_file(log, "audit: config reloaded from ")
    assert all(STAMP_RE.match(l) for l in data.splitlines()), data
    assert stop(proc) == 0
    assert "stopped" in open(log).read()
    assert "listening " not in open(err_path).read()


def tls_failure_reason():
    """A plaintext client on the TLS port: one line with OpenSSL's reason."""
    if "irc" not in built_modules():
        return
    with ReedServer() as srv:
        sock = socket.create_connection(("127.0.0.1", srv.port("irc", "ssl")),
                                        timeout=10)
        sock.sendall(b"NICK plain\r\nUSER plain 0 * :plain\r\n")
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass
        sock.close()
        rx = re.compile(r"^conn \d+ 127\.0\.0\.1: TLS handshake failed: "
                        r"error:[0-9A-F]+:SSL routines:.+$")
        deadline = time.time() + 10
        while time.time() < deadline:
            hits = [m for _, m in filter(None, map(log_message,
                                                    srv.log_lines))
                    if rx.match(m)]
            if hits:
                break
            srv._readline(0.2)
        assert len(hits) == 1, srv.log_lines


def main():
    assert built_modules()
    tls_failure_reason()
    srv = ReedServer()
    try:
        conf = srv.write_config()
        journal_style(srv.dir, conf)
        log_file_reopened(srv.dir, conf)
    finally:
        if not os.environ.get("REED_KEEP"):
            shutil.rmtree(srv.dir, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
