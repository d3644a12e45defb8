"""The docs work as written:
- README.md's `reed --help` block is the binary's own output;
- every ```ini block in every *.md of the tree, config/reed.example.ini and
  dist/reed.ini pass the built binary's --check-config;
- bots/README.md's bot and its ```sh commands, run as written from a
  directory laid out like a clone's top (bots/ there) with this build
  installed on PKG_CONFIG_PATH, build a plugin and the networked example;
  the plugin, loaded by reed through `[server] plugin`, joins #bots and
  answers !echo."""
import os
import re
import shutil
import stat
import subprocess
import tempfile

from installtest import CC, EXTRA, SOURCE, Irc, install, sh
from reedtest import ReedServer, reed_bin

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def blocks(text, lang):
    return [m.group(2) for m in FENCE.finditer(text) if m.group(1) == lang]


def help_block():
    text = open(os.path.join(SOURCE, "README.md")).read()
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines)
                 if ln.startswith("The command line (`reed --help`"))
    i = start + 1
    while lines[i].strip() and not lines[i].startswith("    "):
        i += 1  # the rest of the sentence
    while not lines[i].strip():
        i += 1
    out = []
    while i < len(lines) and (lines[i].startswith("    ") or
                              not lines[i].strip()):
        out.append(lines[i][4:])
        i += 1
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def check_help():
    r = subprocess.run([reed_bin(), "--help"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 0
    assert help_block() == r.stdout, (help_block(), r.stdout)


def markdown_files():
    for d, dirs, files in os.walk(SOURCE):
        dirs[:] = [x for x in dirs if not x.startswith((".", "build"))]
        for f in files:
            if f.endswith(".md"):
                yield os.path.join(d, f)


def check_ini(tmp):
    snippets = []
    for md in sorted(markdown_files()):
        for i, b in enumerate(blocks(open(md).read(), "ini")):
            snippets.append(("%s block %d" % (os.path.relpath(md, SOURCE),
                                              i + 1), b))
    assert any(w.startswith("bots/README.md") for w, _ in snippets), snippets
    for f in ("config/reed.example.ini", "dist/reed.ini"):
        snippets.append((f, open(os.path.join(SOURCE, f)).read()))
    for i, (where, text) in enumerate(snippets):
        path = os.path.join(tmp, "snippet%d.ini" % i)
        with open(path, "w") as f:
            f.write(text)
        r = subprocess.run([reed_bin(), "--check-config", path],
                           capture_output=True, text=True, timeout=20)
        assert r.returncode == 0, (where, r.stderr)
    return len(snippets)


def compiler_shim(tmp):
    """`cc` as the README writes it, meaning this build's compiler with
    its sanitizer flags (an instrumented libreed-bot needs them)."""
    bindir = os.path.join(tmp, "shim")
    os.makedirs(bindir)
    cc = os.path.join(bindir, "cc")
    with open(cc, "w") as f:
        f.write("#!/bin/sh\nexec %s %s \"$@\"\n" % (CC, " ".join(EXTRA)))
    os.chmod(cc, stat.S_IRWXU)
    return bindir


def run_bots_readme(tmp, prefix):
    text = open(os.path.join(SOURCE, "bots/README.md")).read()
    top = os.path.join(tmp, "clone")
    os.makedirs(top)
    os.symlink(os.path.join(SOURCE, "bots"), os.path.join(top, "bots"))
    with open(os.path.join(top, "bot.c"), "w") as f:
        f.write(blocks(text, "c")[0])
    env = dict(os.environ,
               PKG_CONFIG_PATH=os.path.join(prefix, "lib/pkgconfig"),
               PATH=compiler_shim(tmp) + ":" + os.environ["PATH"])
    cmds = blocks(text, "sh")
    assert len(cmds) >= 2, cmds
    built = []
    for i, block in enumerate(cmds):
        sh("bash", "-euo", "pipefail", "-c", block, cwd=top, env=env)
        assert os.path.exists(os.path.join(top, "bot.so")), block
        # Each block's plugin, the tree's header and the installed one.
        keep = os.path.join(top, "bot%d.so" % i)
        os.rename(os.path.join(top, "bot.so"), keep)
        built.append(keep)
    r = subprocess.run([os.path.join(top, "example_bot")],
                       env=dict(env, LD_LIBRARY_PATH=os.path.join(prefix,
                                                                  "lib")),
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and "usage:" in r.stderr, r
    return built


def echo_in_room(plugin):
    extra = {"server": {"plugin": plugin}}
    with ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]},
                    extra_ini=extra) as srv:
        c = Irc(srv.port("irc"), "alice")
        c.send("JOIN #bots")
        names = c.wait(lambda ln: " 353 " in ln)
        members = [m.lstrip("@+") for m in names.split(":")[-1].split()]
        assert "echobot" in members, names
        c.send("PRIVMSG #bots :!echo hello from the README")
        line = c.wait(lambda ln: ln.endswith("#bots :hello from the README"))
        assert line.startswith(":echobot!"), line
        c.close()


def main():
    tmp = tempfile.mkdtemp(prefix="reed-e2e-docs-",
                           dir=os.environ.get("REED_TMP"))
    try:
        check_help()
        n = check_ini(tmp)
        prefix = os.path.join(tmp, "prefix")
        install(prefix)
        for plugin in run_bots_readme(tmp, prefix):
            echo_in_room(plugin)
    finally:
        if not os.environ.get("REED_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
    print("ok (%d ini snippets)" % n)


if __name__ == "__main__":
    main()
