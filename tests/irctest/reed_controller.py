"""irctest controller for reed: a fresh reed per test, like irctest's own.

Load it with (tests/irctest/run.sh does all of this):

    PYTHONPATH=<this folder>:<irctest checkout> \\
        /usr/bin/python3 -m pytest --controller reed_controller ...

For every test, irctest calls run() with the port it picked; this writes a
reed config into a new temporary directory (the profile every irctest
controller uses: server name My.Little.Server, an oper block
operuser/operpassword, open registration, no flood limits or per-IP limits
for the test clients), starts `reed --config FILE` in its own process group
and waits for reed's `listening irc ...` line. kill() (irctest's tearDown)
ends the process group and removes the directory. Settings a test asks for
(a connection password, REGISTER before connection, email required) are
written as [irc] directives when this reed knows them; otherwise the test
skips with the directive named (NotImplementedByController).

Accounts (registerUser, for the tests marked `services`) are made with
reed's own CLI, `reed account add --config FILE NAME` with the password on
stdin, which works on a running server: reed has its accounts built in, as
ergo does, so there are no services to wait for.

Environment:
  REED_BIN             the reed binary (default
                       /work/main/build/irctest-release/server/reed)
  REED_IRCTEST_LOGDIR  if set, each test's reed log is copied there as
                       <test id>.log before the directory is removed
  IRCTEST_DEBUG_LOGS   1: also stream reed's log to pytest's output
"""

import atexit
import ctypes
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Set, Type

from irctest import patma
from irctest.basecontrollers import (
    BaseServerController,
    DirectoryBasedController,
    ProcessStopped,
)
from irctest.runner import NotImplementedByController
from irctest.specifications import Capabilities, OptionalBehaviors

DEFAULT_BIN = "/work/main/build/irctest-release/server/reed"
STARTUP_TIMEOUT_S = 20.0
CLI_TIMEOUT_S = 30.0
CLI_RETRIES = 20
GROUP_EXIT_S = 10.0
LISTEN_RE = re.compile(r"listening irc (tcp|ssl) \S+ (\d+)")
PR_SET_PDEATHSIG = 1

# Servers started by this pytest process and not yet killed. unittest runs
# no tearDown when setUp skips or fails after the server started (irctest's
# bot_mode setUp skips without BOT, for instance), so run() ends the
# previous test's leftover here; tests in one process run one at a time.
_live: "Set[ReedController]" = set()


def _kill_leftovers() -> None:
    for ctl in list(_live):
        ctl.kill()


atexit.register(_kill_leftovers)


# [irc] directives the controller would like to write, with the value that
# gives reed's behaviour without them. Whether this reed knows each one is
# asked once (`reed --check-config` on a probe file) and remembered.
OPTIONAL_KEYS = {
    "password": "x",
    "register_before_connect": "yes",
    "register_requires_email": "no",
    "own_new_channels": "no",
}
_known_keys: Dict[str, bool] = {}


def reed_knows(key: str) -> bool:
    if key not in _known_keys:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "probe.ini"
            path.write_text(
                f"[server]\ndata_dir = {d}\n[irc]\n{key} = {OPTIONAL_KEYS[key]}\n"
            )
            res = subprocess.run(
                [reed_bin(), "--check-config", str(path)],
                capture_output=True,
                timeout=CLI_TIMEOUT_S,
            )
        _known_keys[key] = res.returncode == 0
    return _known_keys[key]


def _child_setup() -> None:
    """In the child: own process group (irctest kills the group), and
    SIGTERM when the pytest process dies (a per-test timeout that ends
    the worker would otherwise leave reed running)."""
    os.setsid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def reed_bin() -> str:
    return os.environ.get("REED_BIN", DEFAULT_BIN)


class ReedController(BaseServerController, DirectoryBasedController):
    software_name = "reed"
    _port_wait_interval = 0.02
    supported_sasl_mechanisms: Set[str] = {"PLAIN", "SCRAM-SHA-256"}
    supports_sts = False

    # What reed must have according to its specification (issue 9): a test
    # that finds one of these missing fails instead of skipping, so the
    # figure counts missing features. Anything not listed here (sts, ...)
    # skips when reed does not offer it.
    capabilities = frozenset(
        (
            Capabilities.ACCOUNT_NOTIFY,
            Capabilities.ACCOUNT_TAG,
            Capabilities.AWAY_NOTIFY,
            Capabilities.BATCH,
            Capabilities.ECHO_MESSAGE,
            Capabilities.EXTENDED_JOIN,
            Capabilities.EXTENDED_MONITOR,
            Capabilities.LABELED_RESPONSE,
            Capabilities.MESSAGE_REDACTION,
            Capabilities.MESSAGE_TAGS,
            Capabilities.MULTILINE,
            Capabilities.MULTI_PREFIX,
            Capabilities.READ_MARKER,
            Capabilities.SERVER_TIME,
            Capabilities.SETNAME,
        )
    )

    # Behaviours issue 9 asks for (modes b e I, JOIN and PRIVMSG to several
    # targets, CAP 302 including `CAP REQ -cap`).
    optional_behaviors = frozenset(
        (
            OptionalBehaviors.BAN_EXCEPTION_MODE,
            OptionalBehaviors.CAP_REQ_MINUS,
            OptionalBehaviors.INVITE_EXCEPTION_MODE,
            OptionalBehaviors.MULTI_JOIN,
            OptionalBehaviors.MULTI_PRIVMSG,
        )
    )

    # Checked by isupport.py::testValues (issue 9's 005 requirements).
    isupport = {
        "BOT": patma.ANYSTR,
        "CASEMAPPING": "ascii",
        "CHANTYPES": patma.ANYSTR,
        "CHANMODES": patma.ANYSTR,
        "ELIST": patma.ANYSTR,
        "MONITOR": patma.ANYSTR,
        "NICKLEN": "32",
        "PREFIX": patma.ANYSTR,
        "STATUSMSG": patma.ANYSTR,
        "TARGMAX": patma.ANYSTR,
        "UTF8ONLY": None,
        "WHOX": None,
    }

    def create_config(self) -> None:
        super().create_config()
        assert self.directory
        self.config_path = self.directory / "reed.ini"
        self.log_path = self.directory / "reed.log"

    def _ini(self, listen: str, irc_extra: List[str]) -> str:
        assert self.directory
        lines = [
            "[server]",
            "name = My.Little.Server",
            f"data_dir = {self.directory / 'data'}",
            "registration = open",
            "password_hash = min",
            # irctest's passwords are short ("sesame").
            "password_min = 1",
            "log_level = info",
            "max_connections_per_ip = 0",
            "connect_burst = 0",
            # No login throttling: tests log in and fail on purpose.
            "auth_fail_limit = 1000",
            "auth_fail_address_limit = 1000",
            "auth_fail_delay_after = 1000",
            "auth_fail_window = 1s",
            # irctest registers many accounts from one address.
            "registration_per_ip = 0",
            "registration_global = 0",
            "",
            "[irc]",
            f"listen = {listen}",
            "flood_burst = 10000",
            "flood_rate = 10000",
            "fakelag = no",
            "flood_exempt = 127.0.0.1",
            "oper = operuser operpassword",
            # irctest's LINKS test expects this server description.
            "description = test server",
        ] + self._own_channels() + irc_extra
        return "\n".join(lines) + "\n"

    def _own_channels(self) -> List[str]:
        """irctest expects a logged-in user who creates a channel to be its
        plain op (ergo registers channels on request only); reed's default
        makes that user the owner (~)."""
        if reed_knows("own_new_channels"):
            return ["own_new_channels = no"]
        return []

    def _irc_options(self, password: Optional[str]) -> List[str]:
        """The [irc] lines this test asks for beyond the common profile.
        A setting reed cannot make skips the test (NotImplementedByController)
        with the directive named, so the figure does not count it either way;
        once reed has the directive (same name), the test runs."""
        extra = []
        if password is not None:
            if not reed_knows("password"):
                raise NotImplementedByController(
                    "connection password: reed has no [irc] password directive"
                )
            extra.append(f"password = {password}")
        cfg = self.test_config
        if cfg.account_registration_requires_email:
            if not reed_knows("register_requires_email"):
                raise NotImplementedByController(
                    "account registration requiring an email: reed has no "
                    "[irc] register_requires_email directive"
                )
            extra.append("register_requires_email = yes")
        elif reed_knows("register_requires_email"):
            extra.append("register_requires_email = no")
        # irctest's default is "no REGISTER before connection"; without the
        # directive reed always allows it (before-connect), which only
        # RegisterBeforeConnectDisallowedTestCase notices.
        if reed_knows("register_before_connect"):
            before = cfg.account_registration_before_connect
            extra.append(f"register_before_connect = {'yes' if before else 'no'}")
        return extra

    def run(  # type: ignore[override]
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str] = None,
        websocket_port: Optional[int] = None,
    ) -> None:
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("Websocket")
        _kill_leftovers()
        # From here on kill() must run even if setUp stops: it frees the
        # port irctest reserved and the directory.
        _live.add(self)
        self._test_id = os.environ.get("PYTEST_CURRENT_TEST", "unknown").split(" ")[0]
        assert self.proc is None
        self.port = port
        self.hostname = hostname
        self.create_config()
        assert self.directory
        irc_extra = self._irc_options(password)

        if ssl:
            self.gen_ssl()
            listen = (
                f"ssl:{port}:interface=127.0.0.1"
                f":certKey={self.pem_path}:privateKey={self.key_path}"
            )
        else:
            listen = f"tcp:{port}:interface=127.0.0.1"
        with self.open_file("reed.ini", "w") as fd:
            fd.write(self._ini(listen, irc_extra))

        if faketime and shutil.which("faketime"):
            cmd = ["faketime", "-f", faketime]
            self.faketime_enabled = True
        else:
            cmd = []
        cmd += [reed_bin(), "--config", str(self.config_path)]
        self._log_fd = open(self.log_path, "wb")
        self.proc = self.execute(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=self._log_fd,
            preexec_fn=_child_setup,
        )
        self._wait_listening()

    def _wait_listening(self) -> None:
        """Bounded wait for reed's `listening irc ...` log line."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            if LISTEN_RE.search(text):
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise ProcessStopped(
                    f"reed exited {self.proc.returncode} at start: {text.strip()}"
                )
            time.sleep(0.01)
        raise ProcessStopped(f"reed did not start within {STARTUP_TIMEOUT_S}s")

    def wait_for_services(self) -> None:
        # Accounts are built into reed: nothing to wait for.
        pass

    def registerUser(  # type: ignore[override]
        self, case, username: str, password: Optional[str] = None
    ) -> None:
        assert password is not None
        assert self.directory
        cmd = [reed_bin(), "account", "add", "--config", str(self.config_path), username]
        for _ in range(CLI_RETRIES):
            res = subprocess.run(
                cmd,
                input=password + "\n",
                capture_output=True,
                text=True,
                timeout=CLI_TIMEOUT_S,
            )
            said = (res.stderr or res.stdout).strip()
            # The running server may hold the store's lock for a moment.
            if res.returncode == 0 or not re.search(r"busy|locked", said, re.I):
                break
            time.sleep(0.1)
        if res.returncode != 0:
            raise AssertionError(
                f"reed account add {username} failed ({res.returncode}): {said}"
            )

    def _save_log(self) -> None:
        logdir = os.environ.get("REED_IRCTEST_LOGDIR")
        if not logdir or not self.directory or not self.log_path.exists():
            return
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", getattr(self, "_test_id", "unknown"))
        Path(logdir).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.log_path, Path(logdir) / f"{name}.log")

    def _wait_group_gone(self, pgid: int) -> None:
        """Bounded wait until every process of the group has exited: under
        `faketime`, the process irctest waits for is faketime, and reed
        (its child) may still be removing its database files, which would
        race the removal of the directory."""
        deadline = time.monotonic() + GROUP_EXIT_S
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return
        time.sleep(0.1)

    def kill(self) -> None:
        _live.discard(self)
        try:
            if self.proc:
                pgid = self.proc.pid  # the leader: _child_setup calls setsid()
                self.kill_proc()
                self._wait_group_gone(pgid)
            self._save_log()
        finally:
            if getattr(self, "_log_fd", None) is not None:
                self._log_fd.close()
                self._log_fd = None
            super().kill()


def get_irctest_controller_class() -> Type[ReedController]:
    return ReedController
