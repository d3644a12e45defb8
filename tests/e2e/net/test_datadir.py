"""The data dir stays one server's: a second server on the same data dir
refuses to start and names the first one's PID (reed.lock), while account
commands still work beside the running server. Account commands other than
`add` never create a store: with none at the resolved path they exit
non-zero, name the path and how to point elsewhere, and leave no
./reed-data behind; --data-dir points them at another dir."""
import os
import shutil
import subprocess
import tempfile

from reedtest import ReedServer, reed_bin


def run(argv, cwd=None, password=None):
    return subprocess.run([reed_bin()] + argv, input=password, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def no_store(d):
    empty = os.path.join(d, "elsewhere")
    os.makedirs(empty)
    for args in (["list"], ["del", "alice"], ["passwd", "alice"],
                 ["cert", "del", "alice", "AB:CD"]):
        r = run(["account"] + args, cwd=empty, password="longenough\n")
        assert r.returncode == 1, r
        assert "no store at ./reed-data/reed.db" in r.stderr, r
        assert "--data-dir" in r.stderr and "--config" in r.stderr, r
    assert os.listdir(empty) == [], os.listdir(empty)
    print("account commands without a store: refused, nothing created")


def second_server(d):
    with ReedServer(data_dir=os.path.join(d, "srv")) as srv:
        conf = srv.write_config()
        lock = os.path.join(srv.dir, "data", "reed.lock")
        with open(lock) as f:
            assert f.read().strip() == str(srv.proc.pid)
        r = subprocess.run([reed_bin(), "--config", conf],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0, r
        assert "in use by another reed server (pid %d)" % srv.proc.pid \
            in r.stderr, r
        assert srv.proc.poll() is None
        # Account commands do not take the lock.
        r = run(["account", "add", "--config", conf, "dave"],
                password="longenough\n")
        assert r.returncode == 0, r
        data = os.path.join(srv.dir, "data")
        r = run(["account", "list", "--data-dir", data])
        assert r.returncode == 0 and r.stdout.split() == ["dave"], r
    # Released at exit: the next server starts on the same dir.
    with ReedServer(data_dir=os.path.join(d, "srv")) as srv:
        assert srv.proc.poll() is None
    print("second server on one data dir: refused with the PID")


def main():
    d = tempfile.mkdtemp(prefix="reed-e2e-dd-",
                         dir=os.environ.get("REED_TMP"))
    no_store(d)
    second_server(d)
    shutil.rmtree(d, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
