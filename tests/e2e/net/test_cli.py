"""The small command-line surface: --version, --help, usage errors."""
import subprocess

from reedtest import reed_bin


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
    print("ok")


if __name__ == "__main__":
    main()
