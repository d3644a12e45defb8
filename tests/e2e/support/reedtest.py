"""Start a real reed for an end-to-end test and read its ports.

    with ReedServer(extra_ini={"irc": {...}}) as srv:
        port = srv.port("irc", "tcp")

The server gets a fresh data dir, a config with every listener on port 0 at
127.0.0.1, and the minimum password-hashing cost. Ports come from the
`listening <protocol> <kind> <address> <port>` lines reed logs. Every wait is
bounded; the server is ended by its own PID.
"""
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

# ReedServer.signal shadows the module inside the class body.
_SIGTERM = signal.SIGTERM

LISTEN_RE = re.compile(r"listening (\S+) (\S+) (\S+) (\S+)")
# "2026-12-07T15:04:05.123Z INFO message": RFC 3339 UTC, then the level.
STAMP_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) "
                      r"(DEBUG|INFO|WARN|ERROR) (.*?)\r?\n?$")


def log_message(line):
    """(level, message) of a stamped log line, or None if it has no stamp."""
    m = STAMP_RE.match(line)
    return (m.group(2), m.group(3)) if m else None

DEFAULT_LISTENERS = {
    "irc": ["tcp:0:interface=127.0.0.1", "ssl:0:interface=127.0.0.1"],
    "amp": ["tcp:0:interface=127.0.0.1"],
}


def reed_bin():
    return os.environ.get("REED_BIN", "reed")


def built_modules():
    """The protocol modules this reed was built with (`reed --version`)."""
    out = subprocess.run([reed_bin(), "--version"], capture_output=True,
                         text=True, timeout=10).stdout
    for line in out.splitlines():
        if line.startswith("modules:"):
            return line.split()[1:]
    return []


class ReedServer:
    def __init__(self, listeners=None, extra_ini=None, data_dir=None,
                 startup_timeout=10.0):
        self.bin = reed_bin()
        if listeners is None:
            built = built_modules()
            listeners = {p: eps for p, eps in DEFAULT_LISTENERS.items()
                         if p in built}
        self.listeners = listeners
        self.extra_ini = extra_ini or {}
        self.own_dir = data_dir is None
        base = os.environ.get("REED_TMP") or None
        self.dir = data_dir or tempfile.mkdtemp(prefix="reed-e2e-", dir=base)
        self.startup_timeout = startup_timeout
        self.proc = None
        self.ports = {}
        self.log_lines = []

    def write_config(self):
        sections = {"server": {"name": "localhost",
                               "data_dir": os.path.join(self.dir, "data"),
                               "registration": "open",
                               "password_hash": "min",
                               # Tests connect often from one address; the
                               # connect-rate tests set their own figures.
                               "connect_burst": "1000",
                               # Suites register many accounts from one
                               # address; the throttle's own test sets its
                               # figures.
                               "registration_per_ip": "100000",
                               "registration_burst": "100000",
                               "registration_global": "1000000",
                               # Tests use short passwords ("pw"); the
                               # policy's own test sets its minimum.
                               "password_min": "1"}}
        for proto, eps in self.listeners.items():
            sections.setdefault(proto, {})["listen"] = list(eps)
        for sec, kv in self.extra_ini.items():
            sections.setdefault(sec, {}).update(kv)
        os.makedirs(self.dir, exist_ok=True)
        path = os.path.join(self.dir, "reed.ini")
        with open(path, "w") as f:
            for sec, kv in sections.items():
                f.write("[%s]\n" % sec)
                for k, v in kv.items():
                    for item in (v if isinstance(v, list) else [v]):
                        f.write("%s = %s\n" % (k, item))
        return path

    def start(self):
        conf = self.write_config()
        self.ports = {}
        self.lines = queue.Queue()
        self.proc = subprocess.Popen([self.bin, "--config", conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, bufsize=0)
        # A thread drains the log all the time: a full pipe would block
        # the server's logging, and with it the server.
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        want = sum(len(v) for v in self.listeners.values())
        deadline = time.time() + self.startup_timeout
        while len(self.ports) < want:
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("reed did not start: %s" % self.log_lines)
            line = self._readline(deadline - time.time())
            m = LISTEN_RE.search(line or "")
            if m:
                self.ports[(m.group(1), m.group(2))] = int(m.group(4))
        return self

    def _drain(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode(errors="replace")
            self.log_lines.append(line)
            self.lines.put(line)

    def _readline(self, timeout):
        """The next log line not yet returned, or None after timeout."""
        try:
            return self.lines.get(timeout=max(0, timeout))
        except queue.Empty:
            return None

    def port(self, proto, kind="tcp"):
        return self.ports[(proto, kind)]

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=_SIGTERM, timeout=10.0):
        """Ends the server; returns its exit code (None if it had to be
        killed)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self.proc and self.proc.stderr:
            self.reader.join(5)
            self.proc.stderr.close()
        if self.own_dir and not os.environ.get("REED_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
        return False


def wait_until(pred, timeout=10.0, step=0.02):
    """Polls pred() until it is true or the bounded timeout passes."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False
