"""`reed` with no arguments in an empty directory: creates ./reed-data with
a self-signed certificate (key mode 0600) and the SQLite store, logs one
`listening` line per default endpoint of every built module, and exits 0
within 5 seconds of SIGTERM.

This is the one e2e test that binds the embedded default's fixed ports.
If one is busy (another build's run of this same test), it waits and tries
again, a bounded number of times."""
import os
import shutil
import select
import signal
import stat
import subprocess
import tempfile
import time

from reedtest import built_modules, log_message, reed_bin

DEFAULTS = {
    "irc": [("tcp", 6667), ("ssl", 6697)],
    "xmpp": [("tcp", 5222), ("ssl", 5223)],
    "amp": [("tcp", 7227)],
    "http": [("tcp", 8080)],
}


def read_lines(proc, want, timeout):
    """Reads stderr until `want` listening lines or the process ends."""
    lines, seen = [], set()
    deadline = time.time() + timeout
    while len(seen) < want and time.time() < deadline:
        r, _, _ = select.select([proc.stderr], [], [], 0.2)
        if r:
            line = proc.stderr.readline().decode(errors="replace")
            if not line:
                break
            lines.append(line)
            msg = log_message(line)
            assert msg is not None, "log line without stamp: %r" % line
            parts = msg[1].split()
            if len(parts) >= 5 and parts[0] == "listening":
                seen.add(tuple(parts[1:5]))
        elif proc.poll() is not None:
            break
    return lines, seen


def run_once(cwd, expected):
    proc = subprocess.Popen([reed_bin()], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, bufsize=0)
    lines, seen = read_lines(proc, len(expected), 15)
    if len(seen) < len(expected) and expected:
        proc.kill()
        proc.wait()
        return None, lines, seen
    if not expected:
        time.sleep(0.5)  # nothing to wait for: let it start up
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        rc = "timeout"
    lines += [l.decode(errors="replace") for l in proc.stderr.readlines()]
    return (rc, time.time() - t0), lines, seen


def main():
    built = built_modules()
    expected = set()
    for mod in built:
        for kind, port in DEFAULTS.get(mod, []):
            expected.add((mod, kind, "127.0.0.1", str(port)))
    cwd = tempfile.mkdtemp(prefix="reed-e2e-default-",
                           dir=os.environ.get("REED_TMP"))
    for attempt in range(8):
        result, lines, seen = run_once(cwd, expected)
        if result is not None:
            break
        if not any("address already in use" in l for l in lines):
            break
        time.sleep(2)
    assert result is not None, "no listening lines: %s" % "".join(lines)
    rc, took = result
    assert seen == expected, (seen, expected)
    assert rc == 0, "exit %r after SIGTERM: %s" % (rc, "".join(lines))
    assert took < 5, took
    data = os.path.join(cwd, "reed-data")
    for name in ("cert.pem", "key.pem", "reed.db"):
        assert os.path.isfile(os.path.join(data, name)), name
    assert stat.S_IMODE(os.stat(os.path.join(data, "key.pem")).st_mode) == 0o600
    with open(os.path.join(data, "cert.pem")) as f:
        assert f.read().startswith("-----BEGIN CERTIFICATE-----")
    with open(os.path.join(data, "reed.db"), "rb") as f:
        assert f.read(16) == b"SQLite format 3\x00"
    out = subprocess.run(["openssl", "x509", "-noout", "-subject", "-enddate",
                          "-in", os.path.join(data, "cert.pem")],
                         capture_output=True, text=True).stdout
    assert "CN = localhost" in out, out
    year = int(out.split("notAfter=")[1].split()[3])
    assert year >= time.gmtime().tm_year + 9, out
    shutil.rmtree(cwd, ignore_errors=True)
    print("ok: %d listeners, exit 0 in %.2fs" % (len(seen), took))


if __name__ == "__main__":
    main()
