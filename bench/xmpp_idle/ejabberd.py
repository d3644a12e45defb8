"""ejabberd 23.01 for the idle-memory bench, run like Prosody in the tests:
its own config, spool and log dirs (owned by the ejabberd user, as which
it runs), a unique node name, free ports of 127.0.0.1. The
measured process is the Erlang VM (beam.smp) under ejabberdctl; epmd, if
this run started it, is stopped at the end."""
import os
import shutil
import subprocess
import time

from xmppserver import XmppServer, free_port, wait_port

HERE = os.path.dirname(os.path.abspath(__file__))


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)],
                         capture_output=True, text=True, timeout=10).stdout
    return [int(p) for p in out.split()]


def descendant(pid, name):
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/comm" % p) as f:
                if f.read().strip() == name:
                    return p
        except OSError:
            continue
        todo += children(p)
    return None


def epmd_running():
    return subprocess.run(["pgrep", "-x", "epmd"],
                          capture_output=True).returncode == 0


class EjabberdServer(XmppServer):
    # The config template; bench/xmpp/xbench.py passes its own (with MUC).
    def __init__(self, template=os.path.join(HERE, "ejabberd.yml.in"),
                 muc="conference.localhost"):
        super().__init__("ejabberd")
        self.template, self.muc = template, muc
        self.node = "reedbench%d@localhost" % os.getpid()
        self.had_epmd = epmd_running()

    def _config(self):
        with open(self.template) as f:
            text = f.read()
        self.has_tls_port = "@TLS_PORT@" in text
        for k, v in {"PORT": self.port, "TLS_PORT": self.tls_port,
                     "DOMAIN": self.domain, "CERT": self.cafile,
                     "KEY": self.keyfile, "MUC": self.muc}.items():
            text = text.replace("@%s@" % k, str(v))
        path = os.path.join(self.dir, "ejabberd.yml")
        with open(path, "w") as f:
            f.write(text)
        # Our own ejabberdctl.cfg: the system one names the system config
        # and pid file.
        with open(os.path.join(self.dir, "ejabberdctl.cfg"), "w") as f:
            f.write('ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"\n'
                    "EJABBERD_CONFIG_PATH=%s\n"
                    "EJABBERD_PID_PATH=%s/ejabberd.pid\n"
                    "ERL_EPMD_ADDRESS=127.0.0.1\n"
                    "INET_DIST_INTERFACE=127.0.0.1\n" % (path, self.dir))
        for d in ("spool", "logs"):
            os.makedirs(os.path.join(self.dir, d), exist_ok=True)
        subprocess.run(["chown", "-R", "ejabberd:", self.dir], check=True)
        return path

    def start(self):
        self.port, self.tls_port = free_port(), free_port()
        conf = self._config()
        self.log = open(os.path.join(self.dir, "ejabberd.out"), "ab")
        self.proc = subprocess.Popen(
            # setpriv, not ejabberdctl's own su: PAM would set the open
            # files limit back to 1,024 (about 1,000 sessions).
            ["setpriv", "--reuid=ejabberd", "--regid=ejabberd",
             "--init-groups", "ejabberdctl", "--ctl-config",
             os.path.join(self.dir, "ejabberdctl.cfg"), "--config", conf,
             "--logs",
             os.path.join(self.dir, "logs"), "--spool",
             os.path.join(self.dir, "spool"), "--node", self.node,
             "foreground"], stdout=self.log, stderr=self.log,
            env=dict(os.environ, HOME="/var/lib/ejabberd"))
        wait_port(self.port, self.proc, timeout=60)
        if self.has_tls_port:
            wait_port(self.tls_port, self.proc, timeout=60)
        self.beam = descendant(self.proc.pid, "beam.smp")
        assert self.beam, "no beam.smp under ejabberdctl"
        return self

    def measured_pid(self):
        return self.beam

    def stop(self, timeout=30.0):
        if self.proc is None or self.proc.poll() is not None:
            return None
        os.kill(self.beam, 15)  # the VM stops ejabberd on SIGTERM
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.beam, 9)
            self.proc.wait()
        for _ in range(100):  # epmd refuses to stop while a node lives
            if not os.path.exists("/proc/%d" % self.beam):
                break
            time.sleep(0.1)
        if not self.had_epmd:
            subprocess.run(["epmd", "-kill"], capture_output=True,
                           timeout=10)
        return self.proc.returncode

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False
