"""`reed account ...`: add, list, passwd, cert add/del, del, with the
password on stdin, with and without a server running on the same store."""
import os
import subprocess
import tempfile

from reedtest import ReedServer, reed_bin

FP = "AB:" * 31 + "CD"


def account(conf, *args, password=None):
    argv = [reed_bin(), "account"] + list(args[:1]) + ["--config", conf] + \
        list(args[1:])
    return subprocess.run(argv, input=password, capture_output=True,
                          text=True, timeout=60)


def write_conf(d):
    conf = os.path.join(d, "reed.ini")
    with open(conf, "w") as f:
        f.write("[server]\nname = localhost\ndata_dir = %s\n"
                "password_hash = min\n" % os.path.join(d, "data"))
    return conf


def round_trip(conf):
    r = account(conf, "add", "alice", password="s3cret\n")
    assert r.returncode == 0, r
    r = account(conf, "add", "bob", password="pw")
    assert r.returncode == 0, r
    r = account(conf, "list")
    assert r.returncode == 0 and r.stdout.split() == ["alice", "bob"], r
    r = account(conf, "add", "ALICE", password="other\n")
    assert r.returncode != 0 and "exists" in r.stderr, r
    r = account(conf, "add", "9bad", password="pw\n")
    assert r.returncode != 0, r
    r = account(conf, "passwd", "alice", password="n3w\n")
    assert r.returncode == 0, r
    r = account(conf, "passwd", "nobody", password="n3w\n")
    assert r.returncode != 0, r
    r = account(conf, "cert", "add", "alice", FP)
    assert r.returncode == 0, r
    r = account(conf, "cert", "add", "bob", FP)
    assert r.returncode != 0, r  # one account per fingerprint
    r = account(conf, "cert", "add", "alice", "not-a-fingerprint")
    assert r.returncode != 0, r
    r = account(conf, "cert", "del", "alice", FP.lower())
    assert r.returncode == 0, r
    r = account(conf, "cert", "del", "alice", FP)
    assert r.returncode != 0, r
    r = account(conf, "del", "alice")
    assert r.returncode == 0, r
    r = account(conf, "del", "alice")
    assert r.returncode != 0, r
    r = account(conf, "list")
    assert r.stdout.split() == ["bob"], r
    r = account(conf, "del", "bob")
    assert r.returncode == 0, r


def main():
    d = tempfile.mkdtemp(prefix="reed-e2e-acct-",
                         dir=os.environ.get("REED_TMP"))
    conf = write_conf(d)
    round_trip(conf)
    # Usage errors exit 2.
    r = subprocess.run([reed_bin(), "account", "frobnicate"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 2, r
    # The same with a server running on the same data dir.
    with ReedServer(data_dir=os.path.join(d, "srv")) as srv:
        srv_conf = srv.write_config()
        round_trip(srv_conf)
        assert srv.proc.poll() is None
    print("ok")


if __name__ == "__main__":
    main()
