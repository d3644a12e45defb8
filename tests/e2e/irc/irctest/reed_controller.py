"""An irctest controller for reed: a fresh reed for every test, as irctest's
own controllers do (irctest itself is fetched, never committed).

    cd <irctest checkout>
    REED_BIN=<build>/server/reed PYTHONPATH=<this dir> /usr/bin/python3 -m \
        pytest --controller reed_controller -m '...' irctest/server_tests

The config follows irctest's common profile: server name My.Little.Server,
an operator operuser/operpassword, no fakelag for 127.0.0.1, open account
registration with the cheapest password hash, and a throwaway data dir.
Accounts for `services` tests are made over IRC with draft/account-
registration's REGISTER."""
import os
import subprocess
import time
from typing import Optional, Set, Type

from irctest.basecontrollers import BaseServerController, DirectoryBasedController
from irctest.runner import NotImplementedByController
from irctest.specifications import OptionalBehaviors

TEMPLATE = """[server]
name = My.Little.Server
data_dir = {data_dir}
registration = open
password_hash = min
max_connections_per_ip = 0
registration_timeout = 30s

[irc]
listen = {listen}
{tls_listen}oper = operuser operpassword
flood_exempt = 127.0.0.1
flood_exempt = ::1
register_before_connect = {before_connect}
register_requires_email = {requires_email}
"""


class ReedController(BaseServerController, DirectoryBasedController):
    software_name = "reed"
    supported_sasl_mechanisms: Set[str] = {"PLAIN", "SCRAM-SHA-256"}
    supports_sts = False
    nickserv = "NickServ"
    # Declared behaviours turn irctest's skips into failures: only what
    # reed really does.
    optional_behaviors = frozenset([
        OptionalBehaviors.BAN_EXCEPTION_MODE,
        OptionalBehaviors.CAP_REQ_MINUS,
        OptionalBehaviors.INVITE_EXCEPTION_MODE,
        OptionalBehaviors.MULTI_KICK,
        OptionalBehaviors.MULTI_NAMES_COMMAND,
        OptionalBehaviors.ELIST_M,
        OptionalBehaviors.ELIST_N,
        OptionalBehaviors.ELIST_U,
    ])

    def run(
        self,
        hostname: str,
        port: int,
        *,
        password: Optional[str],
        ssl: bool,
        run_services: bool,
        faketime: Optional[str],
        websocket_hostname: Optional[str],
        websocket_port: Optional[int],
    ) -> None:
        if websocket_hostname is not None or websocket_port is not None:
            raise NotImplementedByController("Websocket")
        if password is not None:
            raise NotImplementedByController("PASS-protected registration")
        assert self.proc is None
        self.port = port
        self.hostname = hostname
        self.create_config()
        assert self.directory
        kind = "ssl" if ssl else "tcp"
        listen = "%s:%d:interface=%s" % (kind, port, hostname)
        with self.open_file("reed.ini") as fd:
            cfg = self.test_config
            fd.write(TEMPLATE.format(
                data_dir=self.directory / "data", listen=listen,
                tls_listen="",
                before_connect="yes" if cfg.account_registration_before_connect
                else "no",
                requires_email="yes" if cfg.account_registration_requires_email
                else "no"))
        self.config_path = self.directory / "reed.ini"
        self.proc = self.execute(
            [os.environ.get("REED_BIN", "reed"), "--config", self.config_path])

    def wait_for_services(self) -> None:
        # Accounts are built in: nothing else to start.
        pass

    def registerUser(
        self,
        case,  # irctest.cases.BaseServerTestCase
        username: str,
        password: Optional[str] = None,
    ) -> None:
        # draft/account-registration as the account's own nick, after
        # connecting; the client quits, so the nick is free again. A
        # password too long for one IRC line goes through `reed account add`.
        assert password
        if len(password.encode()) > 512:
            raise NotImplementedByController(
                "passwords over reed's 512-byte limit")
        if len(password) > 400:
            self._register_cli(username, password)
            return
        client = case.addClient(show_io=False)
        case.sendLine(client, "NICK " + username)
        case.sendLine(client, "USER r e g :user")
        while case.getRegistrationMessage(client).command != "001":
            pass
        case.getMessages(client)
        case.sendLine(client, "REGISTER * %s %s" % (
            "reg@example.com", password))
        msg = case.getMessage(client)
        if msg.command != "REGISTER" or msg.params[0] != "SUCCESS":
            raise AssertionError("REGISTER failed: %r" % (msg,))
        case.sendLine(client, "QUIT")
        case.assertDisconnected(client)


    def _register_cli(self, username: str, password: str) -> None:
        for _ in range(50):  # the running server may hold the store briefly
            r = subprocess.run(
                [os.environ.get("REED_BIN", "reed"), "account", "add",
                 "--config", str(self.config_path), username],
                input=password + "\n", capture_output=True, text=True,
                timeout=60)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("reed account add failed: %s" % r.stderr)


def get_irctest_controller_class() -> Type[ReedController]:
    return ReedController
