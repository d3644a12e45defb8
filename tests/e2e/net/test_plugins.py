"""Bot plugins in the reed binary: a plugin named by a `plugin` key in
[server] is loaded at start (its bot joins and answers in a room), unloaded and
loaded again on SIGHUP, and unloaded at SIGTERM with exit 0. A plugin that
cannot be loaded is logged and the server runs on."""
import os
import signal
import socket
import time

from reedtest import ReedServer, built_modules

PLUGIN = os.environ.get("REED_BOT_PLUGIN", "")


class Irc:
    def __init__(self, port, nick):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.send("NICK %s" % nick)
        self.send("USER %s 0 * :%s" % (nick, nick))

    def send(self, line):
        self.s.sendall(line.encode() + b"\r\n")

    def wait(self, needle, timeout=10.0):
        """Reads until a line contains needle; returns that line."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                text = line.decode(errors="replace").rstrip("\r")
                if text.startswith("PING"):
                    self.send("PONG" + text[4:])
                if needle in text:
                    return text
            self.s.settimeout(max(0.05, deadline - time.time()))
            chunk = self.s.recv(65536)
            if not chunk:
                break
            self.buf += chunk
        raise AssertionError("no line with %r" % needle)


def wait_log(srv, text, count=1, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(text in l for l in srv.log_lines) >= count:
            return True
        srv._readline(0.2)
    return False


def count_log(srv, text):
    return sum(text in l for l in srv.log_lines)


def ask_bot(c, text):
    c.send("PRIVMSG #bots :!echo %s" % text)
    line = c.wait("PRIVMSG #bots :%s" % text)
    assert line.startswith(":timebot!"), line


def main():
    assert PLUGIN and os.path.exists(PLUGIN), PLUGIN
    assert "irc" in built_modules()
    missing = os.path.join(os.path.dirname(PLUGIN), "no_such_plugin.so")
    extra = {"server": {"plugin": [missing, PLUGIN]}}
    with ReedServer(extra_ini=extra) as srv:
        assert wait_log(srv, "plugin %s loaded" % PLUGIN), srv.log_lines
        assert wait_log(srv, "plugin %s not loaded" % missing), srv.log_lines
        # Each load is logged once: "running as" comes after the plugins.
        assert wait_log(srv, " running as "), srv.log_lines
        assert count_log(srv, "plugin %s loaded" % PLUGIN) == 1, srv.log_lines
        assert count_log(srv, "plugin %s not loaded" % missing) == 1
        c = Irc(srv.port("irc"), "alice")
        c.wait(" 001 ")
        c.send("JOIN #bots")
        names = c.wait(" 353 ")
        assert "timebot" in names, names
        ask_bot(c, "hello from irc")

        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "plugin %s loaded" % PLUGIN, count=2)
        # The reloaded bot is back in the room and answers.
        c.wait("JOIN")
        ask_bot(c, "after reload")

        rc = srv.stop(signal.SIGTERM, timeout=5)
        assert rc == 0, (rc, srv.log_lines)
    print("ok")


if __name__ == "__main__":
    main()
