"""Server bans end to end: `reed ban add` from the command line while a
server runs disconnects a connected IRC user and a connected AMP user with
the reason (within the server's one-second look at the store), refuses
their reconnection (IRC 465 and ERROR, AMP a Closing box; an account ban
answers AMP's Login with BANNED), lists the bans with their expiry, and a
short ban expires on its own. Then an IRC operator's UBAN, STATS and
REHASH on the same server."""
import subprocess
import time

from rawnet import Amp, Irc, closing
from reedtest import ReedServer, built_modules, reed_bin, wait_until


def ban(conf, *args):
    argv = [reed_bin(), "ban", args[0], "--config", conf] + list(args[1:])
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def amp_register(port, name):
    a = Amp(port)
    a.call("Register", username=name, password="pw-%s-long" % name)
    r = a.wait_for(lambda b: "_answer" in b or "_error" in b)
    assert r is not None and "_answer" in r, r
    return a


def main():
    if not {"irc", "amp"} <= set(built_modules()):
        print("irc or amp not built: nothing to test")
        return
    with ReedServer(extra_ini={"irc": {"oper": "root s3cret"}}) as srv:
        conf = srv.write_config()
        irc_port, amp_port = srv.port("irc", "tcp"), srv.port("amp", "tcp")

        # A connected IRC user and AMP user; the address ban takes both.
        victim = Irc(irc_port, "victim")
        assert b" 001 " in victim.read_until(b" 001 "), victim.buf
        amp = amp_register(amp_port, "ampvic")
        r = ban(conf, "add", "--duration", "4s", "127.0.0.1", "maintenance",
                "window")
        assert r.returncode == 0, r
        assert "ban on 127.0.0.1 (ip): added for 4s" in r.stdout, r
        t0 = time.time()
        assert victim.closed(), victim.buf
        assert (b"ERROR :Closing Link: 127.0.0.1 (Killed (localhost "
                b"(Banned: maintenance window)))") in victim.buf, victim.buf
        assert closing(amp) == "Killed: Banned: maintenance window"
        print("IRC and AMP users disconnected %.1f s after the CLI ban" %
              (time.time() - t0))
        # Reconnecting is refused at once, in each protocol's terms.
        again = Irc(irc_port, "victim")
        assert again.closed(), again.buf
        assert (b" 465 * :You are banned from this server: maintenance "
                b"window") in again.buf, again.buf
        assert b"(Banned: maintenance window)" in again.buf, again.buf
        a2 = Amp(amp_port)
        assert closing(a2) == "Banned: maintenance window"
        r = ban(conf, "list")
        assert r.returncode == 0 and "ip 127.0.0.1 set by cli" in r.stdout, r
        assert "expires 20" in r.stdout, r
        # The short ban expires on its own.
        assert wait_until(lambda: time.time() > t0 + 4.5, timeout=10)
        back = Irc(irc_port, "victim")
        assert b" 001 " in back.read_until(b" 001 "), back.buf
        r = ban(conf, "list")
        assert "(expired)" in r.stdout, r
        print("the 4 s ban expired: reconnect accepted")

        # An account ban: the AMP Login answer says BANNED with the reason.
        amp = amp_register(amp_port, "ampacct")
        r = ban(conf, "add", "ampacct", "account", "abuse")
        assert r.returncode == 0, r
        assert closing(amp) == "Killed: Banned: account abuse"
        a3 = Amp(amp_port)
        a3.call("Login", username="ampacct", password="pw-ampacct-long")
        r3 = a3.wait_for(lambda b: "_error" in b or "_answer" in b)
        assert r3 is not None and r3.get("_error_code") == "BANNED", r3
        assert r3["_error_description"] == "Banned: account abuse", r3
        assert closing(a3) == "Banned: account abuse"
        r = ban(conf, "del", "ampacct")
        assert r.returncode == 0 and "lifted" in r.stdout, r
        print("account ban refuses the AMP login with BANNED: ok")

        # The operator's side: UBAN on a mask, STATS, REHASH.
        op = Irc(irc_port, "oper1", user="op")
        op.read_until(b" 001 ")
        op.send("OPER root s3cret")
        assert b" 381 " in op.read_until(b" 381 ")
        target = Irc(irc_port, "target", user="bad")
        target.read_until(b" 001 ")
        op.send("UBAN ADD *!~bad@* DURATION 1h :go away")
        assert b"Ban added on *!~bad@*" in op.read_until(b"Ban added")
        assert target.closed(), target.buf
        assert b"(Banned: go away)" in target.buf, target.buf
        r = ban(conf, "list")
        assert "mask *!~bad@* set by oper1" in r.stdout, r
        op.send("STATS k")
        assert b" 216 oper1 K *!~bad@* mask oper1 20" in \
            op.read_until(b" 219 oper1 k "), op.buf
        op.send("STATS p")
        out = op.read_until(b" 219 oper1 p ")
        assert b" 249 oper1 p :irc " in out and b" 249 oper1 p :amp " in out, \
            out
        op.send("STATS l")
        assert (b" 249 oper1 l :irc tcp 127.0.0.1 %d" % irc_port) in \
            op.read_until(b" 219 oper1 l "), op.buf
        op.send("STATS u")
        assert b" 242 oper1 :Server Up 0 days " in op.read_until(b" 242 ")
        op.send("UBAN DEL *!~bad@*")
        assert b"Ban removed on *!~bad@*" in op.read_until(b"Ban removed")
        op.send("REHASH")
        assert b" 382 oper1 " in op.read_until(b" 382 "), op.buf
        assert wait_until(lambda: any("reload asked for by an operator" in l
                                      for l in srv.log_lines)), srv.log_lines
        for needle in ("audit: UBAN ADD by oper1", "audit: REHASH by oper1",
                       "store: ban on 127.0.0.1 set by cli",
                       "irc: refused 127.0.0.1: banned (127.0.0.1)"):
            assert any(needle in l for l in srv.log_lines), (needle,
                                                             srv.log_lines)
        print("UBAN, STATS k/p/l/u and REHASH: ok")
        for c in (back, op):
            c.s.close()
    print("ok")


if __name__ == "__main__":
    main()
