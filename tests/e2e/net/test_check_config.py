"""`reed --check-config FILE`: a broken file names file, line and key and
exits non-zero; a good one exits 0. config/reed.example.ini passes the
built binary's own module table (the unit test uses a table of its own)."""
import os
import shutil
import subprocess
import tempfile

from reedtest import reed_bin

CASES = [
    # (text, line, key) of the first error
    ("[server]\nname = x\nbogus_key = 1\n", 3, "bogus_key"),
    ("[server]\nsendq = lots\n", 2, "sendq"),
    ("[server]\nname = x\n[irc]\nlisten = tcp:notaport\n", 4, "listen"),
    ("[server]\nregistration = maybe\n", 2, "registration"),
    # A section no built module owns.
    ("[server]\nname = x\n[nosuch]\n", 3, "[nosuch]"),
]

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "..", "config", "reed.example.ini")


def check(path):
    return subprocess.run([reed_bin(), "--check-config", path],
                          capture_output=True, text=True, timeout=20)


def main():
    d = tempfile.mkdtemp(prefix="reed-e2e-check-",
                         dir=os.environ.get("REED_TMP"))
    for i, (text, line, key) in enumerate(CASES):
        path = os.path.join(d, "bad%d.ini" % i)
        with open(path, "w") as f:
            f.write(text)
        r = check(path)
        assert r.returncode != 0, (text, r)
        want = "%s:%d: %s:" % (path, line, key)
        assert want in r.stderr, (want, r.stderr)
    good = os.path.join(d, "good.ini")
    with open(good, "w") as f:
        f.write("[server]\nname = example.org\ndata_dir = %s\n" % d)
    r = check(good)
    assert r.returncode == 0, r
    r = check(EXAMPLE)
    assert r.returncode == 0, ("the example config is invalid", r.stderr)
    r = check(os.path.join(d, "missing.ini"))
    assert r.returncode != 0 and "missing.ini" in r.stderr, r
    # A broken file also stops the server from starting.
    r = subprocess.run([reed_bin(), "--config", os.path.join(d, "bad0.ini")],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode != 0 and "bogus_key" in r.stderr, r
    shutil.rmtree(d, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
