"""The small command-line surface: --version, --help, usage errors (each
named on the line before the usage), and a
start that fails (a busy port) exiting non-zero with the endpoint named."""
import os
import shutil
import socket
import subprocess
import tempfile

from reedtest import built_modules, reed_bin


def run(*args):
    return subprocess.run([reed_bin()] + list(args), capture_output=True,
                          text=True, timeout=20)


def main():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("reed "), r
    assert "modules:" in r.stdout, r
    r = run("--help")
    assert r.returncode == 0 and "--check-config" in r.stdout, r
    assert "account add" in r.stdout, r
    for bad in (["--bogus"], ["--config"], ["--check-config"],
                ["account", "add"], ["account", "cert", "add", "x"]):
        r = run(*bad)
        assert r.returncode == 2 and "usage:" in r.stderr, (bad, r)
    # A usage error says what was wrong, on the line before the usage.
    for bad, why in ((["--bogus"], "reed: unknown option --bogus"),
                     (["-x", "y"], "reed: unknown option -x"),
                     (["serve"], "reed: unknown command serve"),
                     (["--config"], "reed: --config needs a FILE"),
                     (["--check-config"], "reed: --check-config needs a FILE"),
                     (["--config", "a", "b"], "reed: unexpected argument b"),
                     (["--version", "x"], "reed: --version takes no argument")):
        r = run(*bad)
        first = r.stderr.split("\n", 1)[0]
        assert r.returncode == 2 and first == why, (bad, why, r.stderr)
        assert r.stderr.split("\n")[1].startswith("usage: "), r.stderr
    busy_port()
    print("ok")


def busy_port():
    mods = built_modules()
    if not mods:
        return
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    d = tempfile.mkdtemp(prefix="reed-e2e-cli-",
                         dir=os.environ.get("REED_TMP"))
    conf = os.path.join(d, "reed.ini")
    with open(conf, "w") as f:
        f.write("[server]\ndata_dir = %s\n[%s]\nlisten = tcp:%d:"
                "interface=127.0.0.1\n" % (os.path.join(d, "data"), mods[0],
                                            port))
    r = run("--config", conf)
    busy.close()
    shutil.rmtree(d, ignore_errors=True)
    assert r.returncode == 1, r
    want = "cannot listen for %s on tcp 127.0.0.1 %d: address already in use" \
        % (mods[0], port)
    assert want in r.stderr, r


if __name__ == "__main__":
    main()
