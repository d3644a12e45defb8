"""Failed-login throttling against the real binary: a stranger who fails an
account's password from one address (127.0.0.1) is refused there, while
the owner still logs in from another address (127.0.0.2, SASL PLAIN) and
from a third (127.0.0.3, SASL SCRAM-SHA-256, whose slowed success still
carries its server signature). Each decision is logged once. The delays
are made short so the test stays quick; their figures are unit-tested."""
import subprocess
import sys

from rawirc import RawClient, sasl_plain, sasl_scram_sha256
from reedtest import ReedServer, reed_bin, wait_until


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def sasl_client(port, source, nick):
    c = RawClient(port, source=source)
    c.send("CAP LS 302", "NICK " + nick, "USER %s 0 * :%s" % (nick, nick),
           "CAP REQ :sasl")
    c.expect(" ACK ")
    return c


def last_sasl(c):
    return [l for l in c.lines if " 903 " in l or " 904 " in l][-1]


def test_owner_not_locked_out(srv, port):
    attacker = sasl_client(port, "127.0.0.1", "mallory")
    for _ in range(10):
        sasl_plain("alice", "guess")(attacker)
        assert " 904 " in last_sasl(attacker), attacker.lines[-3:]
    # Refused now, even with the right password: same 904 as a failure.
    sasl_plain("alice", "pencil")(attacker)
    assert " 904 " in last_sasl(attacker), attacker.lines[-3:]

    owner = sasl_client(port, "127.0.0.2", "alice")
    sasl_plain("alice", "pencil")(owner)
    assert " 903 " in last_sasl(owner), owner.lines[-5:]
    assert any(" 900 " in l and "logged in as alice" in l
               for l in owner.lines), owner.lines

    other = sasl_client(port, "127.0.0.3", "alice2")
    sasl_scram_sha256("alice", "pencil")(other)
    assert " 903 " in last_sasl(other), other.lines[-5:]

    attacker.close()
    owner.close()
    other.close()


def count_log(srv, fragment):
    return sum(fragment in l for l in srv.log_lines)


def main():
    srv = ReedServer(extra_ini={"server": {"auth_fail_delay": "20ms",
                                           "auth_fail_delay_max": "200ms"}})
    conf = srv.write_config()
    add_account(conf, "alice", "pencil")
    with srv:
        port = srv.port("irc", "tcp")
        test_owner_not_locked_out(srv, port)
        for fragment in ["refusing logins to alice from 127.0.0.1",
                         "slowing logins to alice from 127.0.0.1 by 20 ms",
                         "slowing logins to alice from 127.0.0.2 by 200 ms",
                         "slowing logins to alice from 127.0.0.3 by 200 ms"]:
            wait_until(lambda: count_log(srv, fragment) > 0)
            assert count_log(srv, fragment) == 1, (fragment, srv.log_lines)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
