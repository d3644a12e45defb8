"""Administrators who are accounts, against the real binary: a first run
logs one line on how to make an operator; `reed account oper add|del|list`
marks accounts; OPER NAME PASSWORD with an operator account's own password
gives operator rights (381, +o, KILL works), a wrong password is 464 and
another account's good password 491; each OPER leaves an audit line. A
plaintext `oper` entry in [irc] still works, with a warning at start-up."""
import re
import subprocess
import time

from rawirc import RawClient
from reedtest import ReedServer, reed_bin, wait_until


def account(conf, *args, password=None):
    return subprocess.run([reed_bin(), "account"] + list(args[:1]) +
                          ["--config", conf] + list(args[1:]),
                          input=password, capture_output=True, text=True,
                          timeout=60)


def logged(srv, text):
    return wait_until(lambda: any(text in l for l in srv.log_lines), 10)


def logged_re(srv, pattern):
    return wait_until(lambda: any(re.search(pattern, l)
                                  for l in srv.log_lines), 10)


def oper(port, name, password, nick):
    c = RawClient(port)
    c.register(nick)
    c.send("OPER %s :%s" % (name, password))
    line = c.wait(lambda l: " 381 " in l or " 464 " in l or " 491 " in l)
    return c, line.split()[1]


def main():
    srv = ReedServer(extra_ini={"irc": {"oper": "cfgop s3cr3tpass"}})
    conf = srv.write_config()
    assert account(conf, "add", "boss", password="boss password\n") \
        .returncode == 0
    assert account(conf, "add", "pleb", password="pleb password\n") \
        .returncode == 0
    srv.start()
    try:
        assert logged(srv, "no operator account: make one with")
        assert logged(srv, "plaintext `oper` entry in [irc]")
        r = account(conf, "oper", "add", "Boss")
        assert r.returncode == 0 and "is an operator" in r.stdout, r
        r = account(conf, "oper", "add", "nobody")
        assert r.returncode == 1 and "no such account" in r.stderr, r
        r = account(conf, "oper", "del", "pleb")
        assert r.returncode == 1 and "not an operator" in r.stderr, r
        r = account(conf, "oper", "list")
        assert r.returncode == 0 and r.stdout.split() == ["boss"], r
        port = srv.port("irc", "tcp")
        c, code = oper(port, "boss", "wrong password", "u1")
        assert code == "464", code
        assert logged_re(srv, r"audit: OPER boss by u1 \(conn \d+ "
                              r"127\.0\.0\.1\): failed: password incorrect")
        c.close()
        c, code = oper(port, "pleb", "pleb password", "u2")
        assert code == "491", code
        assert logged_re(srv, r"OPER pleb by \S+ \(conn \d+ [^)]*\): failed: "
                              r"not an operator account")
        c.close()
        victim = RawClient(port)
        victim.register("victim")
        c, code = oper(port, "boss", "boss password", "u3")
        assert code == "381", code
        c.expect("MODE u3 :+o")
        assert logged_re(srv, r"audit: OPER boss by u3 \(conn \d+ "
                              r"127\.0\.0\.1\): success \(operator account\)")
        c.send("KILL victim :bye")
        victim.expect("ERROR ")
        c.close()
        c, code = oper(port, "cfgop", "s3cr3tpass", "u4")
        assert code == "381", code
        assert logged_re(srv, r"OPER cfgop by \S+ \(conn \d+ [^)]*\): success "
                              r"\(config oper\)")
        c.close()
        r = account(conf, "oper", "del", "boss")
        assert r.returncode == 0, r
        c, code = oper(port, "boss", "boss password", "u5")
        assert code == "491", code
        c.close()
        assert srv.proc.poll() is None
    except Exception:
        print("".join(srv.log_lines))
        raise
    finally:
        srv.stop()
    # An operator exists now (none after del: the line comes back).
    r = account(conf, "oper", "add", "pleb")
    assert r.returncode == 0, r
    srv.log_lines = []
    srv.start()
    time.sleep(0.2)
    assert not any("no operator account" in l for l in srv.log_lines), \
        srv.log_lines
    srv.stop()
    print("ok")


if __name__ == "__main__":
    main()
