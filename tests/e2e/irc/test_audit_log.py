"""Operator actions and disconnects in the log of the real binary: OPER
(refused and granted), KILL and CHGHOST each give one `audit:` line naming
who did what; a close line names the nick and account that left and why
(`conn N IP closed (alice/acct alice): Quit: bye`)."""
import re
import subprocess
import time

from rawirc import RawClient, sasl_plain
from reedtest import ReedServer, log_message, reed_bin


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def messages(srv):
    return [m[1] for m in map(log_message, srv.log_lines) if m]


def wait_msg(srv, pattern, timeout=10.0):
    """The one log message matching pattern (a regex), waited for."""
    rx = re.compile(pattern)
    deadline = time.time() + timeout
    while time.time() < deadline:
        hits = [m for m in messages(srv) if rx.search(m)]
        if hits:
            time.sleep(0.2)  # a second copy would come right after
            srv._readline(0.05)
            hits = [m for m in messages(srv) if rx.search(m)]
            assert len(hits) == 1, hits
            return hits[0]
        srv._readline(0.2)
    raise AssertionError("no log line %r in %r" % (pattern, srv.log_lines))


def main():
    srv = ReedServer(extra_ini={"irc": {"oper": "boss hunter2"}})
    conf = srv.write_config()
    add_account(conf, "alice", "correct horse")
    srv.start()
    try:
        port = srv.port("irc", "tcp")
        alice = RawClient(port)
        alice.register("alice", caps=["sasl"],
                       sasl=sasl_plain("alice", "correct horse"))
        alice.send("QUIT :bye now")
        assert alice.wait_closed()
        wait_msg(srv, r"^conn \d+ 127\.0\.0\.1 closed "
                 r"\(alice/acct alice\): Quit: bye now$")

        op = RawClient(port)
        op.register("opnick")
        op.send("OPER boss wrong")
        op.expect(" 464 ")
        wait_msg(srv, r"^audit: OPER boss by opnick \(conn \d+ 127\.0\.0\.1\):"
                 r" failed: password incorrect$")
        op.send("OPER boss hunter2")
        op.expect(" 381 ")
        wait_msg(srv, r"^audit: OPER boss by opnick .*: success \(config oper\)$")

        victim = RawClient(port)
        victim.register("victim")
        op.send("CHGHOST victim new.host")
        op.expect("now shows the host")
        wait_msg(srv, r"^audit: CHGHOST victim new\.host by opnick$")
        op.send("KILL victim :spamming")
        assert victim.wait_closed()
        wait_msg(srv, r"^audit: KILL victim by opnick: spamming$")
        wait_msg(srv, r"^conn \d+ 127\.0\.0\.1 closed \(victim\): .*spamming")
        op.close()
    finally:
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    main()
