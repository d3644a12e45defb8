"""Audit lines for changes made from the command line: every `reed account`
change (add, passwd, del, cert add/del, oper add/del) and every `reed ban`
add/del writes one stamped `audit: ... by USER (uid N) on the command line`
line, never the lists nor a failed command; it goes to the config's
log_file when that file exists (the server's own log: both append to it),
else to stderr, and the file is never created by a command. The IRC
operators' UBAN and REHASH lines are audit lines too: written at any
log_level."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

from reedtest import ReedServer, STAMP_RE, built_modules, log_message, reed_bin

FP = "ab" * 32
ENV = {k: v for k, v in os.environ.items() if k != "SUDO_USER"}


def me():
    uid = os.geteuid()
    return "%s (uid %d)" % (pwd.getpwuid(uid).pw_name, uid)


def cli(conf, *args, password=None, env=ENV):
    """Runs `reed WORD ACTION --config CONF REST...`."""
    argv = [reed_bin(), args[0], args[1], "--config", conf] + list(args[2:])
    return subprocess.run(argv, input=password, capture_output=True,
                          text=True, timeout=60, env=env)


def audits(text):
    """The audit messages among stamped log lines."""
    out = []
    for line in text.splitlines():
        m = log_message(line)
        if m and m[1].startswith("audit: "):
            assert STAMP_RE.match(line) and m[0] == "INFO", line
            out.append(m[1])
    return out


# Each command, and the audit line it must write ("" for none).
def steps():
    by = "by %s on the command line" % me()
    return [
        (("account", "add", "alice"), "password one\n",
         "audit: account add alice " + by),
        (("account", "passwd", "alice"), "password two\n",
         "audit: account passwd alice " + by),
        (("account", "oper", "add", "alice"), None,
         "audit: account oper add alice " + by),
        (("account", "oper", "list"), None, ""),
        (("account", "list"), None, ""),
        (("account", "cert", "add", "alice", FP), None,
         "audit: account cert add alice %s: %s" % (by, FP)),
        (("account", "cert", "del", "alice", FP), None,
         "audit: account cert del alice %s: %s" % (by, FP)),
        (("account", "oper", "del", "alice"), None,
         "audit: account oper del alice " + by),
        (("ban", "add", "--duration", "1h", "10.0.0.0/8", "bad", "net"),
         None, "audit: ban add 10.0.0.0/8 (ip, for 1h) %s: bad net" % by),
        (("ban", "list"), None, ""),
        (("ban", "del", "10.0.0.0/8"), None, "audit: ban del 10.0.0.0/8 " +
         by),
        (("account", "del", "alice"), None, "audit: account del alice " + by),
    ]


def write_conf(d, log_file=None):
    conf = os.path.join(d, "reed.ini")
    with open(conf, "w") as f:
        f.write("[server]\ndata_dir = %s\npassword_hash = min\n" %
                os.path.join(d, "data"))
        if log_file:
            f.write("log_file = %s\n" % log_file)
    return conf


def to_stderr(d):
    """No log_file: each change's line on stderr, nothing for the rest."""
    conf = write_conf(d)
    for args, pw, want in steps():
        r = cli(conf, *args, password=pw)
        assert r.returncode == 0, (args, r)
        assert audits(r.stderr) == ([want] if want else []), (args, r.stderr)
    # A failed change writes none.
    r = cli(conf, "account", "del", "nobody")
    assert r.returncode == 1 and audits(r.stderr) == [], r
    r = cli(conf, "ban", "del", "10.9.9.9")
    assert r.returncode == 1 and audits(r.stderr) == [], r
    # Through sudo the caller is named too.
    r = cli(conf, "account", "add", "bob", password="password one\n",
            env=dict(ENV, SUDO_USER="carol"))
    uid = os.geteuid()
    who = "%s (uid %d, sudo from carol)" % (pwd.getpwuid(uid).pw_name, uid)
    assert audits(r.stderr) == ["audit: account add bob by %s on the "
                                "command line" % who], r.stderr
    print("stderr: one audit line per change")


def to_log_file(d):
    """log_file: appended to when it exists, never created."""
    log = os.path.join(d, "reed.log")
    conf = write_conf(d, log)
    r = cli(conf, "account", "add", "alice", password="password one\n")
    assert r.returncode == 0, r
    assert not os.path.exists(log), "a command created the log file"
    assert audits(r.stderr) == ["audit: account add alice by %s on the "
                                "command line" % me()], r.stderr
    open(log, "w").close()
    want = []
    for args, pw, line in steps()[1:]:
        r = cli(conf, *args, password=pw)
        assert r.returncode == 0, (args, r)
        assert audits(r.stderr) == [], (args, r.stderr)
        if line:
            want.append(line)
    assert audits(open(log).read()) == want, open(log).read()
    print("log_file: the lines are appended there")


def with_server():
    """A running server and the command line share the log file; UBAN
    and REHASH are audited at log_level = error."""
    srv = ReedServer(extra_ini={"server": {"log_level": "error"},
                                "irc": {"oper": "root s3cret"}})
    log = os.path.join(srv.dir, "reed.log")
    srv.extra_ini["server"]["log_file"] = log
    conf = srv.write_config()
    # Ports come from the listening lines, which log_file takes: start it
    # without, then reload with the file.
    del srv.extra_ini["server"]["log_file"]
    with srv:
        srv.extra_ini["server"]["log_file"] = log
        srv.write_config()
        open(log, "w").close()
        srv.signal(1)
        deadline = time.time() + 10
        while "audit: config reloaded" not in open(log).read():
            assert time.time() < deadline, open(log).read()
            time.sleep(0.05)
        r = cli(conf, "account", "add", "dave", password="password one\n")
        assert r.returncode == 0, r
        s = socket.create_connection(("127.0.0.1", srv.port("irc")),
                                     timeout=10)
        s.sendall(b"NICK op\r\nUSER op 0 * :op\r\nOPER root s3cret\r\n"
                  b"UBAN ADD *!*@bad.example :go\r\nUBAN DEL *!*@bad.example"
                  b"\r\nREHASH\r\n")
        want = ["audit: UBAN ADD by op", "audit: UBAN DEL by op",
                "audit: REHASH by op"]
        deadline = time.time() + 10
        while True:
            got = audits(open(log).read())
            if all(any(g.startswith(w) for g in got) for w in want):
                break
            assert time.time() < deadline, got
            time.sleep(0.05)
        s.close()
        assert "audit: account add dave by %s on the command line" % me() \
            in got, got
    print("server and command line in one log; UBAN and REHASH audited")


def main():
    d = tempfile.mkdtemp(prefix="reed-e2e-cliaudit-",
                         dir=os.environ.get("REED_TMP"))
    try:
        os.makedirs(os.path.join(d, "a"))
        os.makedirs(os.path.join(d, "b"))
        to_stderr(os.path.join(d, "a"))
        to_log_file(os.path.join(d, "b"))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if "irc" in built_modules():
        with_server()
    print("ok")


if __name__ == "__main__":
    main()
