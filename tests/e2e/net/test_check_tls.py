"""`reed --check-config` loads the TLS certificates and keys the file names
([server] tls_cert/tls_key and an ssl listener's certKey/privateKey): a
missing file, a file that is no PEM, or a key that is not the
certificate's fails with the path and OpenSSL's reason; a certificate that
expires within 14 days passes with a warning."""
import os
import shutil
import subprocess
import tempfile

from reedtest import reed_bin


def make_cert(d, name, days):
    cert, key = os.path.join(d, name + ".pem"), os.path.join(d, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", str(days),
                    "-subj", "/CN=" + name, "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def check(d, name, server_pair=None, listen_pair=None):
    path = os.path.join(d, name + ".ini")
    with open(path, "w") as f:
        f.write("[server]\nname = example.org\ndata_dir = %s\n" % d)
        if server_pair:
            f.write("tls_cert = %s\ntls_key = %s\n" % server_pair)
        if listen_pair:
            f.write("[irc]\nlisten = ssl:0:interface=127.0.0.1:certKey=%s:"
                    "privateKey=%s\n" % listen_pair)
    return subprocess.run([reed_bin(), "--check-config", path],
                          capture_output=True, text=True, timeout=20)


def main():
    d = tempfile.mkdtemp(prefix="reed-e2e-tls-",
                         dir=os.environ.get("REED_TMP"))
    good = make_cert(d, "good", 365)
    other = make_cert(d, "other", 365)
    soon = make_cert(d, "soon", 5)
    junk = os.path.join(d, "junk.pem")
    with open(junk, "w") as f:
        f.write("not a certificate\n")

    r = check(d, "ok", server_pair=good, listen_pair=good)
    assert r.returncode == 0 and "warning" not in r.stderr, r

    missing = os.path.join(d, "missing.pem")
    r = check(d, "missing", server_pair=(missing, good[1]))
    assert r.returncode != 0, r
    assert "cannot read certificate %s" % missing in r.stderr, r.stderr

    r = check(d, "junk", server_pair=(junk, good[1]))
    assert r.returncode != 0, r
    assert "no PEM certificate in %s: error:" % junk in r.stderr, r.stderr

    r = check(d, "nokey", server_pair=(good[0], junk))
    assert r.returncode != 0 and "no PEM private key in " + junk in r.stderr

    # The listener's own pair is checked too: a key of another certificate.
    r = check(d, "mismatch", listen_pair=(good[0], other[1]))
    assert r.returncode != 0, r
    assert ("the private key does not match certificate %s: error:" % good[0]
            in r.stderr), r.stderr

    r = check(d, "soon", server_pair=soon)
    assert r.returncode == 0, r
    assert "warning: certificate %s expires in 4 days" % soon[0] in r.stderr \
        or "warning: certificate %s expires in 5 days" % soon[0] in r.stderr, \
        r.stderr
    shutil.rmtree(d, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
