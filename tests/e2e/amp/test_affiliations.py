"""Room affiliations over amp-chat against the real binary, with Twisted's
own amp client parsing every answer: the creator owns the room;
SetAffiliation (errors, an admin's limits), AffiliationChanged to the
others, Members with each member's affiliation, Affiliations; after a
restart the empty registered room answers Affiliations and keeps the
owner's standing."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ampchat as A  # noqa: E402
from reedtest import ReedServer  # noqa: E402


def register(port, name):
    c = A.Client(port)
    r = c.call(A.Register, username=name, password="pw")
    assert r["user"] == name, r
    return c


def before(port):
    alice = register(port, "alice")
    bob = register(port, "bob")
    carol = register(port, "carol")
    alice.call(A.Join, room="club")
    bob.call(A.Join, room="club")
    alice.expect("Joined", user="bob")
    assert bob.call_error(A.SetAffiliation, room="club", account="carol",
                          affiliation=b"member") is A.Forbidden
    assert alice.call_error(A.SetAffiliation, room="club", account="zed",
                            affiliation=b"member") is A.NoSuchAccount
    assert alice.call_error(A.SetAffiliation, room="club", account="alice",
                            affiliation=b"none") is A.LastOwner
    assert alice.call_error(A.SetAffiliation, room="club", account="bob",
                            affiliation=b"king") is A.BadRequest
    assert alice.call(A.SetAffiliation, room="club", account="bob",
                      affiliation=b"admin", reason="trusted") == {}
    bob.expect("AffiliationChanged", room="club", account="bob",
               affiliation=b"admin", previous=b"none", by="alice",
               nick="bob", reason="trusted")
    alice.no_event()
    assert bob.call_error(A.SetAffiliation, room="club", account="carol",
                          affiliation=b"admin") is A.Forbidden
    assert bob.call(A.SetAffiliation, room="club", account="carol",
                    affiliation=b"member") == {}
    r = bob.call(A.Members, room="club")
    got = [(m["nick"], m["affiliation"]) for m in r["members"]]
    assert got == [("alice", b"owner"), ("bob", b"admin")], got
    r = carol.call(A.Affiliations, room="club")
    got = [(a["account"], a["affiliation"], a["by"])
           for a in r["affiliations"]]
    assert got == [("alice", b"owner", "alice"), ("bob", b"admin", "alice"),
                   ("carol", b"member", "bob")], got
    assert r["registered"] is True and r["more"] is False, r
    assert carol.call_error(A.Affiliations, room="nowhere") is A.NoSuchRoom
    for c in (alice, bob, carol):
        c.close()


def after(port):
    carol = A.Client(port)
    carol.login("carol")
    r = carol.call(A.Affiliations, room="club", which=b"owner")
    assert [a["account"] for a in r["affiliations"]] == ["alice"], r
    alice = A.Client(port)
    alice.login("alice")
    r = alice.call(A.Join, room="club")
    r = alice.call(A.Members, room="club")
    assert [(m["nick"], m["affiliation"]) for m in r["members"]] == \
        [("alice", b"owner")], r
    alice.close()
    carol.close()


def main():
    A.start_reactor()
    srv = ReedServer()
    srv.start()
    try:
        before(srv.port("amp", "tcp"))
        srv.kill9()
        srv.start()
        after(srv.port("amp", "tcp"))
        print("SetAffiliation, Affiliations, AffiliationChanged: ok")
    except Exception:
        print("".join(srv.log_lines))
        raise
    finally:
        srv.stop()
        A.stop_reactor()
    print("ok")


if __name__ == "__main__":
    main()
