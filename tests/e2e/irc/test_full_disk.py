"""Durability on a full disk: reed's data dir is a small tmpfs, which a
filler file fills up while a client sends labeled messages. Every message
whose echo (or delivery to another member) carried a msgid must be in
CHATHISTORY after reed is killed with SIGKILL and started again; the others
must have been refused with FAIL ... TEMPORARILY_UNAVAILABLE. Once the
filler is removed, reed leaves its degraded state on its own and messages
are accepted again.

Mounting needs root (CAP_SYS_ADMIN): without it the test prints why and
exits 77, which ctest reports as skipped."""
import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from rawirc import RawClient
from reedtest import ReedServer, wait_until

SKIP = 77
CAPS = ["echo-message", "batch", "server-time", "message-tags",
        "labeled-response", "draft/chathistory"]
MSGID_RE = re.compile(r"(?:^|[;@])msgid=([^; ]+)")
BEFORE, DURING = 10, 60


def mount_tmpfs(size="4m"):
    base = os.environ.get("REED_TMP") or None
    mnt = tempfile.mkdtemp(prefix="reed-full-", dir=base)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size,
                        "tmpfs", mnt], capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        os.rmdir(mnt)
        return None, (r.stderr or r.stdout).strip()
    return mnt, None


def fill(path):
    """Writes zeros until the filesystem is full."""
    block = b"\0" * 65536
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(block)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                break
    # The last partial block: a byte at a time is too slow; halve instead.
    with open(path, "ab", buffering=0) as f:
        n = 32768
        while n > 0:
            try:
                f.write(b"\0" * n)
            except OSError:
                n //= 2


def msgid(line):
    if not line.startswith("@"):
        return None
    m = MSGID_RE.search(line.split(" ", 1)[0])
    return m.group(1) if m else None


def labeled(lines, label):
    return [l for l in lines if l.startswith("@") and
            ("label=%s;" % label in l.split(" ", 1)[0] + ";")]


def send_labeled(c, n, prefix, chan="#disk"):
    """Sends n labeled PRIVMSGs; returns {label: text}."""
    sent = {}
    for i in range(n):
        label = "%s%d" % (prefix, i)
        text = "%s message %d" % (prefix, i)
        sent[label] = text
        c.send("@label=%s PRIVMSG %s :%s" % (label, chan, text))
    return sent


def answers(c, sent, chan="#disk"):
    """Waits for one answer per label: the echo (with its msgid) or a FAIL.
    Returns (echoed msgids, fails)."""
    deadline = time.time() + 30
    while not all(labeled(c.lines, lb) for lb in sent):
        assert not c.closed and time.time() < deadline, \
            "not every label was answered: %s" % c.lines[-5:]
        c._fill(deadline)
    echoed, fails = [], []
    for lb in sent:
        for l in labeled(c.lines, lb):
            if " FAIL PRIVMSG TEMPORARILY_UNAVAILABLE %s " % chan in l:
                fails.append(lb)
            elif " PRIVMSG %s :" % chan in l:
                assert msgid(l), l
                echoed.append(msgid(l))
    return echoed, fails


def history(port):
    c = RawClient(port)
    c.register("reader", caps=CAPS)
    c.send("JOIN #disk")
    c.expect(" 366 ")
    ids = set()
    c.send("CHATHISTORY LATEST #disk * 100")
    c.expect("BATCH -")
    for l in c.lines:
        if " PRIVMSG #disk :" in l and msgid(l):
            ids.add(msgid(l))
    c.close()
    return ids


def run(mnt):
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]},
                     extra_ini={"irc": {"flood_exempt": "127.0.0.1"}},
                     data_dir=mnt)
    srv.start()
    try:
        port = srv.port("irc", "tcp")
        a, b = RawClient(port), RawClient(port)
        a.register("writer", caps=CAPS)
        b.register("member", caps=CAPS)
        for c in (a, b):
            c.send("JOIN #disk")
            c.expect(" 366 ")
        echoed, fails = answers(a, send_labeled(a, BEFORE, "before"))
        assert len(echoed) == BEFORE and not fails, (echoed, fails)

        filler = os.path.join(mnt, "filler")
        fill(filler)
        echoed_full, fails = answers(a, send_labeled(a, DURING, "full"))
        print("full disk: %d echoed, %d refused" % (len(echoed_full),
                                                    len(fails)))
        degraded = wait_until(lambda: any("store degraded" in l
                                          for l in srv.log_lines), 10)

        os.unlink(filler)
        recovered = wait_until(lambda: any("store recovered" in l
                                           for l in srv.log_lines), 15)
        echoed_after, fails_after = answers(a, send_labeled(a, 3, "after"))

        all_echoed = set(echoed + echoed_full + echoed_after)
        b.send("PING :sync")
        b.expect("PONG")
        delivered = {msgid(l) for l in b.lines
                     if " PRIVMSG #disk :" in l and msgid(l)}
        srv.kill9()
        srv.start()
        stored = history(srv.port("irc", "tcp"))
        lost = sorted((all_echoed | delivered) - stored)
        print("echoed %d, delivered to a member %d, in history %d, lost %d"
              % (len(all_echoed), len(delivered), len(stored), len(lost)))
        assert not lost, "acknowledged but not in history: %s" % lost
        assert fails, "no FAIL while the disk was full"
        assert degraded and recovered, srv.log_lines[-5:]
        assert len(echoed_after) == 3 and not fails_after, fails_after
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def run_held(mnt):
    """store_min_free = 0: reed does not look at the free space, so the
    first turn on the full disk fails at COMMIT. Its output (the echoes)
    is held, not sent, until the store has written that batch again."""
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]},
                     extra_ini={"irc": {"flood_exempt": "127.0.0.1"},
                                "server": {"store_min_free": "0"}},
                     data_dir=mnt)
    srv.start()
    try:
        port = srv.port("irc", "tcp")
        a = RawClient(port)
        a.register("writer", caps=CAPS)
        a.send("JOIN #held")
        a.expect(" 366 ")
        filler = os.path.join(mnt, "filler")
        fill(filler)
        sent = send_labeled(a, DURING, "held", "#held")
        held = wait_until(lambda: any("output held" in l
                                      for l in srv.log_lines), 10)
        a._fill(time.time() + 0.2)
        early = [lb for lb in sent if labeled(a.lines, lb)]
        os.unlink(filler)
        echoed, fails = answers(a, sent, "#held")
        print("held: %d echoed after the retry, %d refused" % (len(echoed),
                                                              len(fails)))
        released = wait_until(lambda: any("output released" in l
                                          for l in srv.log_lines), 10)
        srv.kill9()
        srv.start()
        c = RawClient(srv.port("irc", "tcp"))
        c.register("reader", caps=CAPS)
        c.send("JOIN #held")
        c.expect(" 366 ")
        c.send("CHATHISTORY LATEST #held * 100")
        c.expect("BATCH -")
        stored = {msgid(l) for l in c.lines
                  if " PRIVMSG #held :" in l and msgid(l)}
        lost = sorted(set(echoed) - stored)
        assert not lost, "acknowledged but not in history: %s" % lost
        assert held and released, srv.log_lines
        assert echoed, "the held batch was not echoed after the retry"
        assert not early, "answered while held: %s" % early
    finally:
        srv.stop()
        srv.__exit__(None, None, None)


def main():
    mnt, why = mount_tmpfs()
    if mnt is None:
        print("SKIP: cannot mount a tmpfs for the full disk (%s)" % why)
        return SKIP
    try:
        run(mnt)
        for name in os.listdir(mnt):
            path = os.path.join(mnt, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        run_held(mnt)
    finally:
        subprocess.run(["umount", "-l", mnt], timeout=30)
        os.rmdir(mnt)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
