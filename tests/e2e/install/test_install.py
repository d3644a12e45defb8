"""`cmake --install` of this build into a temporary prefix, as an operator
would: the files land where reed(8) says; the unit names the prefix's reed
and config and passes `systemd-analyze verify`; the service user's
sysusers.d file makes the user; the installed service config is valid and
is not overwritten by a second install; and a bot built from
bots/examples against the installed reed-bot.pc only (PKG_CONFIG_PATH to
the prefix, no source tree include) joins a room of the installed reed and
answers !echo."""
import os
import re
import shutil
import subprocess
import tempfile

from reedtest import ReedServer

from installtest import CC, EXTRA, SOURCE, Irc, install, sh


def check_tree(prefix):
    want = ["bin/reed", "share/man/man8/reed.8",
            "share/doc/reed/reed.example.ini", "include/reed_bot.h",
            "lib/libreed-bot.a", "lib/pkgconfig/reed-bot.pc",
            "lib/systemd/system/reed.service", "lib/sysusers.d/reed.conf",
            "etc/reed/reed.ini"]
    for f in want:
        assert os.path.isfile(os.path.join(prefix, f)), f
    libs = os.listdir(os.path.join(prefix, "lib"))
    assert any(re.match(r"libreed-bot\.so\.0(\.|$)", n) for n in libs), libs
    r = sh(os.path.join(prefix, "bin/reed"), "--version")
    assert r.stdout.startswith("reed "), r.stdout
    man = sh("man", "--warnings", "-l", "-P", "cat",
             os.path.join(prefix, "share/man/man8/reed.8"),
             env=dict(os.environ, MANWIDTH="80"))
    assert "SIGHUP" in man.stdout and "EXIT STATUS" in man.stdout, man.stdout
    assert man.stderr == "", man.stderr


def check_unit(prefix):
    unit = os.path.join(prefix, "lib/systemd/system/reed.service")
    text = open(unit).read()
    conf = os.path.join(prefix, "etc/reed/reed.ini")
    assert "ExecStart=%s/bin/reed --config %s\n" % (prefix, conf) in text, \
        text
    assert "Type=notify\n" in text, text
    assert not re.search(r"@[A-Z_]+@", text), text
    if shutil.which("systemd-analyze") is None:
        raise AssertionError("systemd-analyze is missing: scripts/deps.sh "
                             "installs the systemd package")
    # Documentation=man:reed(8) is checked too: man finds the prefix's page.
    env = dict(os.environ, MANPATH=os.path.join(prefix, "share/man") + ":")
    r = subprocess.run(["systemd-analyze", "verify", unit], env=env,
                       capture_output=True, text=True, timeout=60)
    # verify prints unknown keys and bad values as warnings with status 0:
    # any word about the unit is a failure.
    assert r.returncode == 0 and "reed.service" not in r.stdout + r.stderr, \
        (r.returncode, r.stdout, r.stderr)
    # The check can fail here: a copy with a mistake is reported.
    bad = os.path.join(tempfile.mkdtemp(dir=prefix), "reed.service")
    with open(bad, "w") as f:
        f.write(text.replace("ProtectSystem=strict", "ProtectSystem=stric"))
    r = subprocess.run(["systemd-analyze", "verify", bad], env=env,
                       capture_output=True, text=True, timeout=60)
    # (with status 0: only the words tell)
    assert "reed.service:" in r.stderr, (r.returncode, r.stdout, r.stderr)
    root = tempfile.mkdtemp(dir=prefix)
    os.makedirs(os.path.join(root, "etc"))
    sh("systemd-sysusers", "--root=" + root,
       os.path.join(prefix, "lib/sysusers.d/reed.conf"))
    passwd = open(os.path.join(root, "etc/passwd")).read()
    assert re.search(r"^reed:x:\d+:\d+:.*:/var/lib/reed:", passwd, re.M), \
        passwd


def check_config(prefix):
    reed = os.path.join(prefix, "bin/reed")
    conf = os.path.join(prefix, "etc/reed/reed.ini")
    r = sh(reed, "--check-config", conf)
    assert ": ok" in r.stdout, r.stdout
    with open(conf, "a") as f:
        f.write("; the operator's edit\n")
    install(prefix)
    assert open(conf).read().endswith("; the operator's edit\n")


def build_bot(prefix):
    src = tempfile.mkdtemp(dir=prefix)
    for f in ("example_bot.c", "example_bot.h", "example_main.c"):
        shutil.copy(os.path.join(SOURCE, "bots/examples", f), src)
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix,
                                                        "lib/pkgconfig"))
    flags = sh("pkg-config", "--cflags", "--libs", "reed-bot",
               env=env).stdout.split()
    # Relocatable: the .pc points into this prefix, not the configured one.
    assert "-I%s/lib/pkgconfig/../../include" % prefix in flags, flags
    out = os.path.join(src, "bot")
    sh(CC, *EXTRA, "-o", out, os.path.join(src, "example_bot.c"),
       os.path.join(src, "example_main.c"), *flags, cwd=src, env=env)
    libdir = sh("pkg-config", "--variable=libdir", "reed-bot",
                env=env).stdout.strip()
    return out, libdir


def run_bot(prefix, bot, libdir):
    os.environ["REED_BIN"] = os.path.join(prefix, "bin/reed")
    with ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]}) as srv:
        port = srv.port("irc")
        c = Irc(port, "alice")
        c.send("JOIN #inst")
        c.wait(lambda ln: " 366 " in ln)
        env = dict(os.environ, LD_LIBRARY_PATH=libdir)
        proc = subprocess.Popen([bot, "127.0.0.1", str(port), "instbot",
                                 "#inst"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            c.wait(lambda ln: ln.startswith(":instbot!") and " JOIN " in ln)
            c.send("PRIVMSG #inst :!echo from the installed bot")
            c.wait(lambda ln: ln.startswith(":instbot!") and
                   ln.endswith("PRIVMSG #inst :from the installed bot"))
        finally:
            proc.terminate()
            assert proc.wait(20) == 0
            c.close()


def main():
    prefix = tempfile.mkdtemp(prefix="reed-e2e-install-",
                              dir=os.environ.get("REED_TMP"))
    try:
        install(prefix)
        check_tree(prefix)
        check_unit(prefix)
        check_config(prefix)
        bot, libdir = build_bot(prefix)
        run_bot(prefix, bot, libdir)
    finally:
        if not os.environ.get("REED_KEEP"):
            shutil.rmtree(prefix, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
