"""amp-chat v1 (docs/amp.md) declared for Twisted's own
twisted.protocols.amp, plus a small synchronous harness: each client runs
on the one reactor in a background thread, and tests call it with bounded
waits. Every wait is bounded; nothing sleeps for a fixed time to pass."""
import queue
import threading

from twisted.internet import defer, protocol, reactor, ssl
from twisted.protocols import amp


class Unauthorized(Exception):
    pass


class NickInUse(Exception):
    pass


class AccountExists(Exception):
    pass


class RegistrationClosed(Exception):
    pass


class NoSuchRoom(Exception):
    pass


class NotAMember(Exception):
    pass


class NoSuchUser(Exception):
    pass


class Forbidden(Exception):
    pass


class RateLimited(Exception):
    pass


class BadRequest(Exception):
    pass


class TooLong(Exception):
    pass


class NotLoggedIn(Exception):
    pass


class AlreadyLoggedIn(Exception):
    pass


class TlsError(Exception):
    pass


class NoSuchBan(Exception):
    pass


class NoSuchAccount(Exception):
    pass


class LastOwner(Exception):
    pass


GENERIC = {
    BadRequest: b"BAD_REQUEST",
    TooLong: b"TOO_LONG",
    NotLoggedIn: b"NOT_LOGGED_IN",
    AlreadyLoggedIn: b"ALREADY_LOGGED_IN",
    RateLimited: b"RATE_LIMITED",
}


def errors(**extra):
    d = dict(GENERIC)
    d.update(extra)
    return d


# Error classes by wire code, for tests that check codes.
CODES = {
    b"UNAUTHORIZED": Unauthorized, b"NICK_IN_USE": NickInUse,
    b"ACCOUNT_EXISTS": AccountExists,
    b"REGISTRATION_CLOSED": RegistrationClosed,
    b"NO_SUCH_ROOM": NoSuchRoom, b"NOT_A_MEMBER": NotAMember,
    b"NO_SUCH_USER": NoSuchUser, b"FORBIDDEN": Forbidden,
    b"TLS_ERROR": TlsError, b"NO_SUCH_BAN": NoSuchBan,
    b"NO_SUCH_ACCOUNT": NoSuchAccount, b"LAST_OWNER": LastOwner,
}
for k, v in GENERIC.items():
    CODES[v] = k
ALL_ERRORS = {v: k for k, v in CODES.items()}


class Login(amp.Command):
    arguments = [(b"username", amp.Unicode()), (b"password", amp.Unicode()),
                 (b"nick", amp.Unicode(optional=True))]
    response = [(b"user", amp.Unicode()), (b"nick", amp.Unicode())]
    errors = ALL_ERRORS


class Register(amp.Command):
    arguments = Login.arguments
    response = Login.response
    errors = ALL_ERRORS


class Ping(amp.Command):
    arguments = []
    response = [(b"time", amp.DateTime())]
    errors = ALL_ERRORS


class Quit(amp.Command):
    arguments = [(b"reason", amp.Unicode(optional=True))]
    response = []
    errors = ALL_ERRORS


class Join(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"key", amp.Unicode(optional=True))]
    response = [(b"room", amp.Unicode()), (b"topic", amp.Unicode()),
                (b"members", amp.ListOf(amp.Unicode())),
                (b"more", amp.Boolean())]
    errors = ALL_ERRORS


class Leave(amp.Command):
    arguments = [(b"room", amp.Unicode()),
                 (b"reason", amp.Unicode(optional=True))]
    response = []
    errors = ALL_ERRORS


class Say(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"text", amp.Unicode()),
                 (b"kind", amp.String(optional=True))]
    response = [(b"id", amp.String()), (b"time", amp.DateTime())]
    errors = ALL_ERRORS


class Tell(amp.Command):
    arguments = [(b"user", amp.Unicode()), (b"text", amp.Unicode()),
                 (b"kind", amp.String(optional=True))]
    response = [(b"id", amp.String()), (b"time", amp.DateTime())]
    errors = ALL_ERRORS


class SetTopic(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"topic", amp.Unicode())]
    response = []
    errors = ALL_ERRORS


class ListRooms(amp.Command):
    arguments = [(b"after", amp.Unicode(optional=True))]
    response = [(b"rooms", amp.AmpList([(b"name", amp.Unicode()),
                                        (b"topic", amp.Unicode()),
                                        (b"size", amp.Integer())])),
                (b"next", amp.Unicode(optional=True))]
    errors = ALL_ERRORS


class Members(amp.Command):
    arguments = [(b"room", amp.Unicode()),
                 (b"after", amp.Unicode(optional=True))]
    response = [(b"members", amp.AmpList([
        (b"nick", amp.Unicode()), (b"account", amp.Unicode(optional=True)),
        (b"origin", amp.String()),
        (b"affiliation", amp.String(optional=True))])),
        (b"next", amp.Unicode(optional=True))]
    errors = ALL_ERRORS


class SetAffiliation(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"account", amp.Unicode()),
                 (b"affiliation", amp.String()),
                 (b"reason", amp.Unicode(optional=True))]
    response = []
    errors = ALL_ERRORS


class Affiliations(amp.Command):
    arguments = [(b"room", amp.Unicode()),
                 (b"which", amp.String(optional=True))]
    response = [(b"affiliations", amp.AmpList([
        (b"account", amp.Unicode()), (b"affiliation", amp.String()),
        (b"by", amp.Unicode()), (b"set", amp.DateTime())])),
        (b"registered", amp.Boolean()), (b"more", amp.Boolean())]
    errors = ALL_ERRORS


class SetNick(amp.Command):
    arguments = [(b"nick", amp.Unicode())]
    response = [(b"nick", amp.Unicode())]
    errors = ALL_ERRORS


class History(amp.Command):
    arguments = [(b"room", amp.Unicode()),
                 (b"before", amp.String(optional=True)),
                 (b"limit", amp.Integer(optional=True))]
    response = [(b"messages", amp.AmpList([
        (b"id", amp.String()), (b"time", amp.DateTime()),
        (b"sender", amp.Unicode()), (b"account", amp.Unicode(optional=True)),
        (b"origin", amp.String()), (b"text", amp.Unicode()),
        (b"kind", amp.String(optional=True))])),
        (b"more", amp.Boolean())]
    errors = ALL_ERRORS


# Server -> client events.
# Login with the answer's `operator` flag (present only for an operator
# account; Login leaves it out so that answers compare as two keys).
class OperLogin(amp.Command):
    commandName = b"Login"
    arguments = Login.arguments
    response = Login.response + [(b"operator", amp.Boolean(optional=True))]
    errors = ALL_ERRORS


# Operator commands (docs/amp.md section 7): a session logged in to an
# operator account only.
class Kill(amp.Command):
    arguments = [(b"nick", amp.Unicode()),
                 (b"reason", amp.Unicode(optional=True))]
    response = []
    errors = ALL_ERRORS


class ServerBan(amp.Command):
    arguments = [(b"target", amp.Unicode()),
                 (b"reason", amp.Unicode(optional=True)),
                 (b"duration", amp.String(optional=True))]
    response = [(b"target", amp.Unicode()), (b"kind", amp.String()),
                (b"expires", amp.DateTime(optional=True))]
    errors = ALL_ERRORS


class ServerUnban(amp.Command):
    arguments = [(b"target", amp.Unicode())]
    response = []
    errors = ALL_ERRORS


class ServerBans(amp.Command):
    arguments = []
    response = [(b"bans", amp.AmpList([
        (b"target", amp.Unicode()), (b"kind", amp.String()),
        (b"reason", amp.Unicode()), (b"setter", amp.Unicode()),
        (b"set", amp.DateTime()),
        (b"expires", amp.DateTime(optional=True))])),
        (b"more", amp.Boolean())]
    errors = ALL_ERRORS


class Receive(amp.Command):
    arguments = [(b"room", amp.Unicode(optional=True)),
                 (b"sender", amp.Unicode()),
                 (b"account", amp.Unicode(optional=True)),
                 (b"origin", amp.String()), (b"text", amp.Unicode()),
                 (b"kind", amp.String(optional=True)),
                 (b"time", amp.DateTime()), (b"id", amp.String())]
    response = []


class Joined(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"user", amp.Unicode()),
                 (b"account", amp.Unicode(optional=True)),
                 (b"origin", amp.String())]
    response = []


class Left(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"user", amp.Unicode()),
                 (b"kind", amp.String()),
                 (b"reason", amp.Unicode(optional=True)),
                 (b"by", amp.Unicode(optional=True))]
    response = []


class TopicChanged(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"user", amp.Unicode()),
                 (b"topic", amp.Unicode()), (b"time", amp.DateTime())]
    response = []


class NickChanged(amp.Command):
    arguments = [(b"old", amp.Unicode()), (b"new", amp.Unicode()),
                 (b"account", amp.Unicode(optional=True)),
                 (b"origin", amp.String())]
    response = []


class Closing(amp.Command):
    arguments = [(b"reason", amp.Unicode())]
    response = []


class AffiliationChanged(amp.Command):
    arguments = [(b"room", amp.Unicode()), (b"account", amp.Unicode()),
                 (b"affiliation", amp.String()), (b"previous", amp.String()),
                 (b"by", amp.Unicode()), (b"nick", amp.Unicode(optional=True)),
                 (b"reason", amp.Unicode(optional=True))]
    response = []


EVENTS = [Receive, Joined, Left, TopicChanged, NickChanged, Closing,
          AffiliationChanged]


class ChatClient(amp.AMP):
    """An amp.AMP whose responders queue every event as (name, kwargs)."""

    def __init__(self):
        amp.AMP.__init__(self)
        self.events = queue.Queue()
        self.lost = threading.Event()

    def connectionLost(self, reason):
        amp.AMP.connectionLost(self, reason)
        self.lost.set()

    def _queue(self, name, kw):
        self.events.put((name, kw))
        return {}

    @Receive.responder
    def on_receive(self, **kw):
        return self._queue("Receive", kw)

    @Joined.responder
    def on_joined(self, **kw):
        return self._queue("Joined", kw)

    @Left.responder
    def on_left(self, **kw):
        return self._queue("Left", kw)

    @TopicChanged.responder
    def on_topic(self, **kw):
        return self._queue("TopicChanged", kw)

    @NickChanged.responder
    def on_nick(self, **kw):
        return self._queue("NickChanged", kw)

    @Closing.responder
    def on_closing(self, **kw):
        return self._queue("Closing", kw)

    @AffiliationChanged.responder
    def on_affiliation(self, **kw):
        return self._queue("AffiliationChanged", kw)


_reactor_thread = None


def start_reactor():
    global _reactor_thread
    if _reactor_thread is None:
        _reactor_thread = threading.Thread(
            target=reactor.run, kwargs={"installSignalHandlers": False},
            daemon=True)
        _reactor_thread.start()


def stop_reactor():
    if _reactor_thread is not None:
        reactor.callFromThread(reactor.stop)
        _reactor_thread.join(10)


def on_reactor(fn, *a, timeout=10.0, **kw):
    """Runs fn on the reactor thread; waits (bounded) for its result, which
    may be a Deferred. Remote errors are raised here."""
    box = queue.Queue()

    def run():
        d = defer.maybeDeferred(fn, *a, **kw)
        d.addCallbacks(lambda r: box.put((True, r)),
                       lambda f: box.put((False, f)))
    reactor.callFromThread(run)
    ok, r = box.get(timeout=timeout)
    if not ok:
        r.raiseException()
    return r


class Client:
    """A synchronous handle on a ChatClient connected to reed."""

    def __init__(self, port, host="127.0.0.1", tls=False, source=None):
        # source: the local address to connect from (127.0.0.2 is loopback
        # too), for tests that need clients on different addresses.
        bind = (source, 0) if source else None

        def connect():
            cc = protocol.ClientCreator(reactor, ChatClient)
            if tls:  # reed's self-signed test certificate: no verification
                return cc.connectSSL(host, port, ssl.CertificateOptions(),
                                     bindAddress=bind)
            return cc.connectTCP(host, port, bindAddress=bind)
        self.proto = on_reactor(connect)

    def call(self, cmd, **kw):
        return on_reactor(self.proto.callRemote, cmd, **kw)

    def call_error(self, cmd, **kw):
        """Calls and expects an error; returns its class."""
        try:
            r = self.call(cmd, **kw)
        except Exception as e:  # the mapped error class
            return type(e)
        raise AssertionError("expected an error, got %r" % (r,))

    def event(self, timeout=5.0):
        return self.proto.events.get(timeout=timeout)

    def expect(self, name, timeout=5.0, **want):
        got, kw = self.event(timeout)
        assert got == name, "expected %s, got %s %r" % (name, got, kw)
        for k, v in want.items():
            assert kw.get(k) == v, "%s: %s=%r, want %r (%r)" % (
                name, k, kw.get(k), v, kw)
        return kw

    def no_event(self, timeout=0.3):
        try:
            got = self.proto.events.get(timeout=timeout)
        except queue.Empty:
            return
        raise AssertionError("unexpected event %r" % (got,))

    def login(self, user, password="pw", nick=None):
        kw = {"username": user, "password": password}
        if nick is not None:
            kw["nick"] = nick
        return self.call(Login, **kw)

    def close(self):
        if not self.proto.lost.is_set():
            on_reactor(self.proto.transport.loseConnection)
        self.proto.lost.wait(5)

    def wait_lost(self, timeout=5.0):
        return self.proto.lost.wait(timeout)


def box(**kv):
    """Encodes one AMP box from str/bytes keyword values (sorted, as Twisted
    does)."""
    b = amp.AmpBox()
    for k, v in kv.items():
        b[k.encode()] = v if isinstance(v, bytes) else v.encode()
    return b.serialize()
