"""New rooms in the real binary are +nt by default, so a member who is not
an op cannot change the topic; `[server] default_topic_lock = no` makes
them +n only."""
from rawirc import RawClient
from reedtest import ReedServer


def new_room_modes(extra):
    with ReedServer(extra_ini=extra) as srv:
        port = srv.port("irc", "tcp")
        op, member = RawClient(port), RawClient(port)
        op.register("founder")
        member.register("member")
        op.send("JOIN #fresh")
        op.expect(" 366 ")
        member.send("JOIN #fresh")
        member.expect(" 366 ")
        op.send("MODE #fresh")
        modes = op.expect(" 324 ").split()[4]
        member.send("TOPIC #fresh :changed by a member")
        reply = member.wait(lambda l: " 482 " in l or " TOPIC " in l)
        op.close()
        member.close()
        return modes, reply


def main():
    modes, reply = new_room_modes({})
    assert modes == "+nt", modes
    assert " 482 member #fresh " in reply, reply
    modes, reply = new_room_modes({"server": {"default_topic_lock": "no"}})
    assert modes == "+n", modes
    assert " TOPIC #fresh :changed by a member" in reply, reply
    print("ok")


if __name__ == "__main__":
    main()
