"""The operator's walk-through (docs/operating.md) in one run, without
systemd: `cmake --install` of this build into a temporary prefix; the
installed service config edited as the docs say; the server started with
the installed unit's own ExecStartPre and ExecStart (as the unit's User
when this runs as root and that user exists); a first administrator made
with `reed account add` and `reed account oper add`, who logs in over IRC
and OPERs; a `reed ban add` on an address seen by a connected IRC user and
a connected AMP user (sessions ended with the reason, a new connection
refused) while the administrator, on another address, stays; the unit's
ExecReload after a new port was added to the config, which binds it while
every existing connection stays; SIGTERM, the unit's stop. Each step's
log line is found in the log file, the command line's audit lines too. Ports are the kernel's: port 0 at
start, and the new port is one the kernel gave to a socket just closed."""
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from installtest import install
from rawnet import Amp, Irc, closing
from reedtest import STAMP_RE, log_message

ADMIN_PW = "correct-horse-battery"
VICTIM = "127.0.0.2"  # the address the ban takes
REASON = "spam from this address"


def unit_keys(path):
    """The unit's [Service] keys (the last value of each)."""
    keys, section = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and line[0] != "#":
            k, v = line.split("=", 1)
            keys[k] = v
    return keys


class Walk:
    def __init__(self, prefix):
        self.prefix = prefix
        self.unit = unit_keys(os.path.join(
            prefix, "lib/systemd/system/reed.service"))
        # ExecStart=BIN --config CONF: the installed binary and config.
        self.start_argv = shlex.split(self.unit["ExecStart"])
        self.reed = self.start_argv[0]
        self.conf = self.start_argv[self.start_argv.index("--config") + 1]
        assert self.reed == os.path.join(prefix, "bin/reed"), self.start_argv
        # The unit's StateDirectory and a log directory, here in the prefix.
        self.state = os.path.join(prefix, "var/lib/reed")
        self.logdir = os.path.join(prefix, "var/log/reed")
        self.log = os.path.join(self.logdir, "reed.log")
        self.user = self.unit_user()
        self.proc = None

    def unit_user(self):
        """The unit's User= when we are root and it exists, else None."""
        name = self.unit.get("User")
        if os.geteuid() != 0 or not name:
            return None
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            return None
        # The installed tree must be reachable by that user.
        os.chmod(self.prefix, 0o755)
        r = subprocess.run(["runuser", "-u", name, "--", self.reed,
                            "--version"], capture_output=True, timeout=60)
        if r.returncode != 0:
            print("note: %s cannot run %s (a parent directory is closed "
                  "to it): running as root" % (name, self.reed))
            return None
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        return name

    def argv(self, *args):
        """A command as the docs give it: `runuser -u reed -- ...`."""
        if self.user is None:
            return list(args)
        return ["runuser", "-u", self.user, "--"] + list(args)

    def run(self, *args, stdin=None):
        return subprocess.run(self.argv(*args), input=stdin,
                              capture_output=True, text=True, timeout=120)

    # ---- the steps ----------------------------------------------------

    def configure(self):
        """What the docs tell an operator to edit in etc/reed/reed.ini:
        data_dir (the unit's StateDirectory), a log file, and listeners
        (here port 0 on loopback)."""
        for d in (self.state, self.logdir):
            os.makedirs(d, mode=0o700)
            if self.user:
                os.chown(d, self.uid, self.gid)
        text = open(self.conf).read()
        assert "data_dir = /var/lib/reed\n" in text, text
        text = text.replace("data_dir = /var/lib/reed\n",
                            "data_dir = %s\nlog_file = %s\n" %
                            (self.state, self.log))
        text = re.sub(r"^listen = (tcp|ssl):\d+:interface=\S+$",
                      r"listen = \1:0:interface=127.0.0.1", text, flags=re.M)
        with open(self.conf, "w") as f:
            f.write(text)

    def start(self):
        pre = shlex.split(self.unit["ExecStartPre"])
        r = self.run(*pre)
        assert r.returncode == 0 and ": ok" in r.stdout, r
        umask = int(self.unit.get("UMask", "0022"), 8)
        self.err = open(os.path.join(self.prefix, "stderr"), "wb")
        # systemd would give WorkingDirectory=/var/lib/reed: the state dir.
        self.proc = subprocess.Popen(
            self.start_argv, cwd=self.state, stdout=subprocess.DEVNULL,
            stderr=self.err, umask=umask,
            user=self.uid if self.user else None,
            group=self.gid if self.user else None)
        self.ports = {}
        self.wait_log(lambda: len(self.ports) >= 3, "three listeners")
        print("started %s as %s; listening on %s" %
              (self.reed, self.user or "the caller", self.ports))

    def messages(self):
        """(level, message) of every line of the log file so far; each
        line must be stamped."""
        out = []
        if not os.path.exists(self.log):
            return out
        with open(self.log, errors="replace") as f:
            for line in f.read().splitlines():
                m = log_message(line)
                assert m is not None and STAMP_RE.match(line), line
                out.append(m)
        for _, msg in out:
            m = re.match(r"listening (\S+) (\S+) \S+ (\d+)$", msg)
            if m:
                self.ports[(m.group(1), m.group(2), int(m.group(3)))] = True
        return out

    def wait_log(self, pred, what, timeout=20.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.messages()
            if pred():
                return
            assert self.proc.poll() is None, "reed exited: %s" % what
            time.sleep(0.05)
        raise AssertionError("log: no %s in %s" % (what, self.messages()))

    def logged(self, rx):
        """The log messages matching rx (waiting up to 20 s for one)."""
        hits = []

        def found():
            hits[:] = [m for _, m in self.messages() if re.search(rx, m)]
            return bool(hits)

        self.wait_log(found, repr(rx))
        return hits

    def port(self, proto, kind="tcp"):
        return [p for (m, k, p) in self.ports if m == proto and k == kind][0]

    def account(self, *args, password=None):
        r = self.run(self.reed, "account", *args, "--config", self.conf,
                     stdin=password)
        assert r.returncode == 0, r
        return r.stdout

    def ban(self, *args):
        r = self.run(self.reed, "ban", args[0], "--config", self.conf,
                     *args[1:])
        assert r.returncode == 0, r
        return r.stdout

    def reload(self):
        """The unit's ExecReload, with $MAINPID as systemd gives it."""
        argv = [a.replace("$MAINPID", str(self.proc.pid))
                for a in shlex.split(self.unit["ExecReload"])]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def first_admin(w):
    w.logged(r"^no operator account: make one with `reed account add NAME`")
    assert "account alice: added" in w.account("add", "alice",
                                               password=ADMIN_PW + "\n")
    assert "account alice: is an operator" in w.account("oper", "add",
                                                        "alice")
    assert w.account("oper", "list").split() == ["alice"]
    # The command line's changes are audited in the server's log file.
    for what in ("account add alice", "account oper add alice"):
        w.logged(r"^audit: %s by \S+ \(uid \d+[^)]*\) on the command "
                 r"line$" % what)
    # Her client logs in to her account with SASL: the nick alice is the
    # account's, kept for it once the server has seen the account.
    admin = Irc(w.port("irc"), "alice", user="alice",
                sasl=("alice", ADMIN_PW))
    assert b" 001 " in admin.read_until(b" 001 "), admin.buf
    admin.send("OPER alice %s" % ADMIN_PW)
    assert b" 381 alice " in admin.read_until(b" 381 "), admin.buf
    line = w.logged(r"^audit: OPER alice by alice \(conn \d+ 127\.0\.0\.1\)")
    assert line[0].endswith(": success (operator account)"), line
    print("admin alice: OPER ok")
    return admin


def server_ban(w, admin, amp_keep):
    irc = Irc(w.port("irc"), "spammer", user="spam", source=VICTIM)
    assert b" 001 " in irc.read_until(b" 001 "), irc.buf
    amp = Amp(w.port("amp"), source=VICTIM)
    r = amp.ask("Login", username="mallory", password="password of mallory")
    assert r is not None and r.get("user") == "mallory", r
    out = w.ban("add", VICTIM, *REASON.split())
    assert out == "ban on %s (ip): added\n" % VICTIM, out
    # Both sessions end with the reason, on their protocols' terms.
    assert irc.closed(), irc.buf
    assert (b"ERROR :Closing Link: %s (Killed (localhost (Banned: %s)))" %
            (VICTIM.encode(), REASON.encode())) in irc.buf, irc.buf
    assert closing(amp) == "Killed: Banned: %s" % REASON
    # A new connection from that address is refused on each protocol.
    again = Irc(w.port("irc"), "spammer", source=VICTIM)
    assert again.closed(), again.buf
    assert b" 465 * :You are banned from this server: %s" % \
        REASON.encode() in again.buf, again.buf
    assert closing(Amp(w.port("amp"), source=VICTIM)) == \
        "Banned: %s" % REASON
    assert "ip %s set by cli" % VICTIM in w.ban("list")
    # The administrator, on another address, was not touched.
    admin.send("PING :still-here")
    assert b"PONG" in admin.read_until(b"still-here"), admin.buf
    r = amp_keep.ask("Ping")
    assert r is not None and "time" in r, r
    w.logged(r"^audit: ban add %s \(ip\) by \S+ \(uid \d+[^)]*\) on the "
             r"command line: %s$" % (re.escape(VICTIM), REASON))
    w.logged(r"^store: ban on %s set by cli: %s$" % (re.escape(VICTIM),
                                                     REASON))
    w.logged(r"^irc: refused %s: banned" % re.escape(VICTIM))
    print("CLI ban: IRC and AMP sessions ended, reconnection refused")


def free_port():
    """A port the kernel hands out, closed again for reed to bind."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def reload_adds_listener(w, admin, amp_keep):
    before = set(w.ports)
    port = free_port()
    text = open(w.conf).read()
    text = text.replace("[amp]\n", "[amp]\nlisten = tcp:%d:interface="
                        "127.0.0.1\n" % port, 1)
    with open(w.conf, "w") as f:
        f.write(text)
    r = w.run(w.reed, "--check-config", w.conf)
    assert r.returncode == 0, r
    w.reload()
    w.logged(r"^audit: config reloaded from %s$" % re.escape(w.conf))
    w.logged(r"^listening amp tcp 127\.0\.0\.1 %d$" % port)
    assert set(w.ports) - before == {("amp", "tcp", port)}, w.ports
    fresh = Amp(port)
    r = fresh.ask("Login", username="bob", password="password of bob")
    assert r is not None and r.get("user") == "bob", r
    # The connections made before the reload are still served.
    admin.send("PING :after-reload")
    assert b"after-reload" in admin.read_until(b"after-reload"), admin.buf
    r = amp_keep.ask("Ping")
    assert r is not None and "time" in r, r
    fresh.close()
    print("reload: amp listener on port %d added, connections kept" % port)


def main():
    prefix = tempfile.mkdtemp(prefix="reed-e2e-operator-",
                              dir=os.environ.get("REED_TMP"))
    w = None
    try:
        install(prefix)
        w = Walk(prefix)
        w.configure()
        w.start()
        admin = first_admin(w)
        # Registration is closed in the service config: users are made
        # with the CLI too. bob stays connected over AMP from 127.0.0.1.
        for name in ("mallory", "bob"):
            w.account("add", name, password="password of %s\n" % name)
        amp_keep = Amp(w.port("amp"))
        r = amp_keep.ask("Login", username="bob", password="password of bob")
        assert r is not None and r.get("user") == "bob", r
        server_ban(w, admin, amp_keep)
        reload_adds_listener(w, admin, amp_keep)
        assert w.stop() == 0
        w.logged(r"^stopped")
        print("the log file, step by step:")
        for _, m in w.messages():
            print("  " + m)
    finally:
        if w is not None:
            w.stop()
            if getattr(w, "err", None):
                w.err.close()
        if not os.environ.get("REED_KEEP"):
            shutil.rmtree(prefix, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
