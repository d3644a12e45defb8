"""Every amp-chat R command and error, driven by Twisted's own amp client
against the real reed binary (docs/amp.md)."""
import datetime
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from twisted.internet import defer  # noqa: E402
from twisted.protocols import amp  # noqa: E402

import ampchat as A  # noqa: E402
from reedtest import ReedServer  # noqa: E402
from runner import run  # noqa: E402

SRV = None
_n = [0]


def port():
    return SRV.port("amp", "tcp")


def client():
    return A.Client(port())


def fresh(prefix="u"):
    """A new account name, registered and logged in on a new client."""
    _n[0] += 1
    name = "%s%d" % (prefix, _n[0])
    c = client()
    r = c.call(A.Register, username=name, password="pw")
    assert r == {"user": name, "nick": name}, r
    return c, name


def test_ping_before_login():
    c = client()
    r = c.call(A.Ping)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - r["time"]).total_seconds()) < 30, r
    c.close()


def test_login():
    c, name = fresh()
    c.close()
    d = client()
    assert d.login(name.upper(), "pw") == {"user": name, "nick": name}
    # A second session of the same account shares the default nick.
    e = client()
    assert e.login(name, "pw") == {"user": name, "nick": name}
    assert e.call_error(A.Login, username=name, password="pw") is \
        A.AlreadyLoggedIn
    assert e.call_error(A.Register, username="zz" + name, password="pw") is \
        A.AlreadyLoggedIn
    d.close()
    e.close()


def test_login_errors():
    c, name = fresh()
    d = client()
    assert d.call_error(A.Login, username=name, password="wrong") is \
        A.Unauthorized
    assert d.call_error(A.Login, username="nosuchuser", password="pw") is \
        A.Unauthorized
    # Another account's name, and a nick another person holds.
    _, other = fresh()
    assert d.call_error(A.Login, username=name, password="pw",
                        nick=other) is A.NickInUse
    r = d.login(name, "pw", nick="x" + name)
    assert r["nick"] == "x" + name
    g = client()
    e, third = fresh()
    e.close()
    assert g.call_error(A.Login, username=third, password="pw",
                        nick="x" + name) is A.NickInUse
    g.close()
    c.close()
    d.close()


def test_not_logged_in():
    c = client()
    for cmd, kw in [(A.Join, {"room": "x"}), (A.Say, {"room": "x",
                                                      "text": "y"}),
                    (A.Tell, {"user": "x", "text": "y"}),
                    (A.Leave, {"room": "x"}),
                    (A.SetTopic, {"room": "x", "topic": ""}),
                    (A.ListRooms, {}), (A.Members, {"room": "x"}),
                    (A.SetNick, {"nick": "x"}), (A.History, {"room": "x"})]:
        assert c.call_error(cmd, **kw) is A.NotLoggedIn, cmd
    c.close()


def test_failed_logins_close():
    c, name = fresh()
    d = client()
    for _ in range(5):
        assert d.call_error(A.Login, username=name, password="no") is \
            A.Unauthorized
    d.expect("Closing")
    assert d.wait_lost()
    c.close()


def test_register_errors():
    c, name = fresh()
    d = client()
    assert d.call_error(A.Register, username=name.upper(),
                        password="pw") is A.AccountExists
    assert d.call_error(A.Register, username="9bad", password="pw") is \
        A.BadRequest
    assert d.call_error(A.Register, username="newbie1", password="pw",
                        nick=name) is A.NickInUse
    d.close()
    c.close()


def test_unhandled():
    c = client()

    class Frob(amp.Command):
        arguments = []
        response = []
    try:
        c.call(Frob)
        raise AssertionError("no error")
    except amp.UnhandledCommand:
        pass
    assert c.call(A.Ping)  # still connected
    c.close()


def test_join_say_receive():
    a, an = fresh("a")
    b, bn = fresh("b")
    r = a.call(A.Join, room="#Hall")
    assert r == {"room": "Hall", "topic": "", "members": [an],
                 "more": False}, r
    r = b.call(A.Join, room="hall")
    assert r["room"] == "Hall" and sorted(r["members"]) == sorted([an, bn])
    a.expect("Joined", room="Hall", user=bn, account=bn, origin=b"amp")
    # Joining again: same answer, no event.
    assert b.call(A.Join, room="HALL")["members"] == r["members"]
    ans = a.call(A.Say, room="hall", text="hello\nworld")
    ev = b.expect("Receive", room="Hall", sender=an, account=an,
                  origin=b"amp", text="hello\nworld", kind=None)
    assert ev["id"] == ans["id"] and ev["time"] == ans["time"], (ev, ans)
    a.no_event()  # the sender never gets its own message
    b.call(A.Say, room="Hall", text="waves", kind=b"action")
    a.expect("Receive", sender=bn, kind=b"action")
    b.call(A.Say, room="Hall", text="fyi", kind=b"notice")
    a.expect("Receive", sender=bn, kind=b"notice")
    assert a.call_error(A.Say, room="hall", text="x", kind=b"shout") is \
        A.BadRequest
    assert a.call_error(A.Say, room="nowhere", text="x") is A.NoSuchRoom
    b.call(A.Join, room="bonly")
    assert a.call_error(A.Say, room="bonly", text="x") is A.NotAMember
    a.close()
    b.expect("Left", room="Hall", user=an, kind=b"quit")
    b.close()


def test_other_sessions_get_room_messages():
    a, an = fresh("a")
    b, bn = fresh("b")
    a2 = client()
    a2.login(an, "pw")
    a.call(A.Join, room="multi")
    b.call(A.Join, room="multi")
    a.expect("Joined", user=bn)
    a2.call(A.Join, room="multi")
    b.no_event()  # alice's second session: no second Joined
    a.no_event()
    a.call(A.Say, room="multi", text="from one")
    a2.expect("Receive", sender=an, text="from one")
    b.expect("Receive", sender=an, text="from one")
    a.no_event()
    for c in (a, a2, b):
        c.close()


def test_tell():
    a, an = fresh("a")
    b, bn = fresh("b")
    ans = a.call(A.Tell, user=bn, text="psst")
    ev = b.expect("Receive", room=None, sender=an, text="psst")
    assert ev["id"] == ans["id"]
    assert a.call_error(A.Tell, user="nobody99", text="x") is A.NoSuchUser
    a.no_event()
    a.close()
    b.close()


def test_tell_by_account_in_no_shared_room():
    a, an = fresh("a")
    b, bn = fresh("b")
    assert b.call(A.SetNick, nick="q" + bn) == {"nick": "q" + bn}
    b.call(A.Join, room="elsewhere" + bn)
    ans = a.call(A.Tell, user=bn.upper(), text="by account")
    ev = b.expect("Receive", room=None, sender=an, text="by account")
    assert ev["id"] == ans["id"]
    b.close()
    # The server learns of the close asynchronously; until it has, a Tell
    # still reaches b's session. A bounded wait for the refusal:
    for _ in range(100):
        try:
            a.call(A.Tell, user=bn, text="gone")
        except A.NoSuchUser:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("Tell to a gone account kept succeeding")
    a.close()


def test_leave():
    a, an = fresh("a")
    b, bn = fresh("b")
    a.call(A.Join, room="lv")
    b.call(A.Join, room="lv")
    a.expect("Joined", user=bn)
    assert b.call(A.Leave, room="lv", reason="bye") == {}
    a.expect("Left", room="lv", user=bn, kind=b"part", reason="bye")
    assert b.call_error(A.Leave, room="lv") is A.NotAMember
    assert b.call_error(A.Leave, room="nowhere2") is A.NoSuchRoom
    a.close()
    b.close()


def test_topic():
    a, an = fresh("a")
    b, bn = fresh("b")
    a.call(A.Join, room="tp")
    b.call(A.Join, room="tp")
    a.expect("Joined")
    # New rooms are topic-locked (default_topic_lock): only a, who made
    # the room, may set it.
    assert b.call_error(A.SetTopic, room="tp", topic="mine") is A.Forbidden
    assert a.call(A.SetTopic, room="tp", topic="Hello all") == {}
    b.expect("TopicChanged", room="tp", user=an, topic="Hello all")
    assert b.call(A.Join, room="tp")["topic"] == "Hello all"
    assert a.call_error(A.SetTopic, room="tp", topic="a\nb") is A.BadRequest
    assert a.call_error(A.SetTopic, room="tp", topic="x" * 391) is A.TooLong
    assert b.call_error(A.SetTopic, room="nowhere3", topic="") is \
        A.NoSuchRoom
    a.call(A.Join, room="aonly")
    assert b.call_error(A.SetTopic, room="aonly", topic="") is A.NotAMember
    a.close()
    b.close()


def test_list_rooms_and_members():
    a, an = fresh("a")
    b, bn = fresh("b")
    a.call(A.Join, room="zlist")
    a.call(A.Join, room="Alist")
    b.call(A.Join, room="alist")
    rooms = a.call(A.ListRooms)["rooms"]
    names = [r["name"] for r in rooms]
    assert names == sorted(names, key=str.lower), names
    assert {"name": "Alist", "topic": "", "size": 2} in rooms, rooms
    after = a.call(A.ListRooms, after="alist")["rooms"]
    assert all(r["name"].lower() > "alist" for r in after), after
    m = b.call(A.Members, room="#alist")
    assert m["next"] is None
    assert [x["nick"] for x in m["members"]] == sorted([an, bn])
    assert all(x["origin"] == b"amp" for x in m["members"])
    assert b.call_error(A.Members, room="nowhere4") is A.NoSuchRoom
    a.close()
    b.close()


def test_set_nick():
    a, an = fresh("a")
    b, bn = fresh("b")
    a.call(A.Join, room="nk")
    b.call(A.Join, room="nk")
    a.expect("Joined")
    assert b.call(A.SetNick, nick="z" + bn) == {"nick": "z" + bn}
    a.expect("NickChanged", old=bn, new="z" + bn, account=bn, origin=b"amp")
    assert b.call_error(A.SetNick, nick=an) is A.NickInUse
    assert b.call_error(A.SetNick, nick="9x") is A.BadRequest
    assert b.call_error(A.SetNick, nick="n" * 33) is A.TooLong
    a.close()
    b.close()


def test_history():
    a, an = fresh("a")
    a.call(A.Join, room="hist")
    ids = [a.call(A.Say, room="hist", text="m%d" % i)["id"] for i in range(5)]
    h = a.call(A.History, room="hist")
    assert [m["text"] for m in h["messages"]] == ["m%d" % i for i in range(5)]
    assert [m["id"] for m in h["messages"]] == ids
    assert h["more"] is False
    h = a.call(A.History, room="hist", before=ids[3], limit=2)
    assert [m["text"] for m in h["messages"]] == ["m1", "m2"] and h["more"]
    b, bn = fresh("b")
    assert b.call_error(A.History, room="hist") is A.NotAMember
    a.close()
    b.close()


def test_bad_request_and_too_long():
    a, an = fresh("a")
    a.call(A.Join, room="br")
    assert a.call_error(A.Say, room="br", text="") is A.BadRequest
    assert a.call_error(A.Say, room="br", text="a\rb") is A.BadRequest
    assert a.call_error(A.Say, room="br", text="x" * 4097) is A.TooLong
    assert a.call(A.Say, room="br", text="x" * 4096)["id"]
    assert a.call_error(A.Join, room="a b") is A.BadRequest
    assert a.call_error(A.Join, room="r" * 64) is A.TooLong
    assert a.call(A.Join, room="#" + "r" * 63)["room"] == "r" * 63
    a.close()


def burst(c, n):
    """n commands in one reactor turn: one write, however slow the server
    is, so the bucket (20, +5/s) must run dry."""
    def go():
        ds = [c.proto.callRemote(A.ListRooms) for _ in range(n)]
        return defer.DeferredList(ds, consumeErrors=True)
    return A.on_reactor(go)


def test_rate_limited():
    a, an = fresh("a")
    results = burst(a, 30)
    ok = [r for good, r in results if good]
    limited = [r for good, r in results
               if not good and r.check(A.RateLimited)]
    assert len(ok) + len(limited) == 30, results
    assert 19 <= len(ok) < 30 and limited, (len(ok), len(limited))
    # Answers come in order: every refusal after the last success.
    flags = [good for good, _ in results]
    assert flags == sorted(flags, reverse=True), flags
    assert a.call(A.Ping)  # exempt, and the connection stays
    a.close()


def test_flood_disconnects():
    a, an = fresh("a")
    burst(a, 60)  # 20 refusals in a row: Closing, then closed
    a.expect("Closing", reason="Excess flood")
    assert a.wait_lost()


def test_quit():
    a, an = fresh("a")
    b, bn = fresh("b")
    a.call(A.Join, room="qt")
    b.call(A.Join, room="qt")
    a.expect("Joined")
    assert b.call(A.Quit, reason="gone fishing") == {}
    assert b.wait_lost()
    a.expect("Left", room="qt", user=bn, kind=b"quit", reason="gone fishing")
    a.close()


def test_lost_second_session_is_a_quit_where_it_was_the_last():
    a, an = fresh("a")
    b, bn = fresh("b")
    b2 = client()
    b2.login(bn, "pw")
    for room in ("q2both", "q2side"):
        a.call(A.Join, room=room)
    b.call(A.Join, room="q2both")
    a.expect("Joined", room="q2both", user=bn)
    b2.call(A.Join, room="q2both")
    b2.call(A.Join, room="q2side")
    a.expect("Joined", room="q2side", user=bn)
    b2.close()  # connection lost; b keeps the person online
    a.expect("Left", room="q2side", user=bn, kind=b"quit")
    a.no_event()  # nothing for q2both, where b stays
    assert b.call(A.Leave, room="q2both") == {}
    a.expect("Left", room="q2both", user=bn, kind=b"part")
    a.close()
    b.close()


class PlainStartTLS(amp.Command):
    """StartTLS on the wire without Twisted's client-side TLS switch, to see
    the server's answer to a second one."""
    commandName = b"StartTLS"
    arguments = []
    response = []
    errors = {A.TlsError: b"TLS_ERROR"}


def test_start_tls():
    _, name = fresh("t")
    a = client()
    assert a.call(amp.StartTLS) == {}
    assert a.call(A.Ping)["time"]  # the Ping went through TLS
    cert = A.on_reactor(lambda: a.proto.transport.getPeerCertificate())
    assert cert is not None, "no TLS on the connection"
    assert a.call_error(PlainStartTLS) is A.TlsError
    assert a.login(name, "pw")["user"] == name
    a.close()


def test_shutdown_closing():
    srv = ReedServer()
    srv.start()
    try:
        c = A.Client(srv.port("amp", "tcp"))
        c.call(A.Register, username="shutme", password="pw")
        srv.signal(signal.SIGTERM)
        c.expect("Closing", timeout=10)
        assert c.wait_lost(10)
        assert srv.proc.wait(10) == 0
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def test_registration_closed_and_no_starttls():
    srv = ReedServer(extra_ini={"server": {"registration": "closed"},
                                "amp": {"starttls": "no",
                                        "login_timeout": "2s"}})
    srv.start()
    try:
        c = A.Client(srv.port("amp", "tcp"))
        assert c.call_error(A.Register, username="newone", password="pw") \
            is A.RegistrationClosed
        assert c.call_error(PlainStartTLS) is A.TlsError
        # The shortened login timeout closes this connection politely.
        c.expect("Closing", reason="Login timeout", timeout=10)
        assert c.wait_lost(10)
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def test_room_creation_disabled():
    srv = ReedServer(extra_ini={"amp": {"create_rooms": "no"}})
    srv.start()
    try:
        c = A.Client(srv.port("amp", "tcp"))
        c.call(A.Register, username="nocreate", password="pw")
        assert c.call_error(A.Join, room="newroom") is A.NoSuchRoom
        c.close()
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def test_reload_keeps_connections():
    """SIGHUP with a changed [amp] section: live connections keep working
    and see the new settings (the old config is freed)."""
    from reedtest import wait_until
    srv = ReedServer()
    srv.start()
    try:
        c = A.Client(srv.port("amp", "tcp"))
        c.call(A.Register, username="reloader", password="pw")
        c.call(A.Join, room="before")
        srv.extra_ini = {"amp": {"create_rooms": "no"}}
        srv.write_config()
        srv.signal(signal.SIGHUP)
        # main logs this line once the new config is applied.
        assert wait_until(lambda: any("reload: certificate" in line
                                      for line in srv.log_lines))
        assert c.call_error(A.Join, room="after") is A.NoSuchRoom
        assert c.call(A.Say, room="before", text="still here")["id"]
        assert c.call(A.Ping)["time"]
        c.close()
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def test_ssl_listener():
    """An ssl: listener: TLS from the first byte, so StartTLS is TLS_ERROR."""
    srv = ReedServer(listeners={"amp": ["ssl:0:interface=127.0.0.1"]})
    srv.start()
    try:
        c = A.Client(srv.port("amp", "ssl"), tls=True)
        assert c.call(A.Ping)["time"]
        assert c.call_error(PlainStartTLS) is A.TlsError
        assert c.call(A.Register, username="secure1", password="pw")
        assert c.call(A.Join, room="safe")["members"] == ["secure1"]
        c.close()
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def main():
    global SRV
    A.start_reactor()
    # Many tests fail logins on purpose from one address: lift the
    # portal's throttle above the per-connection limit under test.
    lift = {"auth_fail_limit": "1000", "auth_fail_address_limit": "1000",
            "auth_fail_delay_after": "1000"}
    with ReedServer(extra_ini={"server": lift}) as srv:
        SRV = srv
        rc = run([test_ping_before_login, test_login, test_login_errors,
                  test_not_logged_in, test_failed_logins_close,
                  test_register_errors, test_unhandled,
                  test_join_say_receive,
                  test_other_sessions_get_room_messages, test_tell,
                  test_tell_by_account_in_no_shared_room,
                  test_leave, test_topic, test_list_rooms_and_members,
                  test_set_nick, test_history, test_bad_request_and_too_long,
                  test_rate_limited, test_flood_disconnects, test_quit,
                  test_lost_second_session_is_a_quit_where_it_was_the_last,
                  test_start_tls,
                  test_shutdown_closing,
                  test_registration_closed_and_no_starttls,
                  test_room_creation_disabled,
                  test_reload_keeps_connections, test_ssl_listener])
    A.stop_reactor()
    return rc


if __name__ == "__main__":
    sys.exit(main())
