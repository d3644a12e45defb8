"""Failed-login throttling over AMP against the real binary: after a
stranger's wrong passwords for an account from 127.0.0.1, Login there is
RATE_LIMITED even with the right password, while the owner's Login from
127.0.0.2 succeeds (slowed, not refused). Delays are made short to keep the
test quick; their figures are unit-tested (tests/unit/auth)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ampchat as A  # noqa: E402
from reedtest import ReedServer  # noqa: E402
from runner import run  # noqa: E402

SRV = None


def login(source, password):
    c = A.Client(SRV.port("amp", "tcp"), source=source)
    try:
        return c.call(A.Login, username="alice", password=password), c
    except Exception as e:  # the mapped error class
        return type(e), c


def test_owner_not_locked_out():
    c = A.Client(SRV.port("amp", "tcp"), source="127.0.0.2")
    assert c.call(A.Register, username="alice", password="pencil")
    c.close()
    # Four wrong passwords per connection stay under the per-connection
    # limit (max_login_failures), so the portal's counts are what refuse.
    for n in (4, 4, 2):  # auth_fail_limit: 10
        c = A.Client(SRV.port("amp", "tcp"), source="127.0.0.1")
        for _ in range(n):
            assert c.call_error(A.Login, username="alice",
                                password="guess") is A.Unauthorized
        c.close()
    got, c = login("127.0.0.1", "pencil")
    assert got is A.RateLimited, got
    c.close()
    got, c = login("127.0.0.2", "pencil")
    assert got == {"user": "alice", "nick": "alice"}, got
    c.close()


def main():
    global SRV
    A.start_reactor()
    figures = {"auth_fail_delay": "20ms", "auth_fail_delay_max": "200ms"}
    with ReedServer(extra_ini={"server": figures}) as srv:
        SRV = srv
        rc = run([test_owner_not_locked_out])
    A.stop_reactor()
    return rc


if __name__ == "__main__":
    sys.exit(main())
