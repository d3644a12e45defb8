"""The libstrophe client (reed-strophe-client, STROPHE_CLIENT): bob logs in
over direct TLS and waits; alice logs in over STARTTLS and sends him a
message with UTF-8 and XML-special characters, which he must get intact."""
import os
import subprocess
import sys

from xmppserver import XmppServer, server_kind

BODY = "strophe \u00e9\u65e5 & < > ' \" ]]>"


def client(srv, user, port, *opts):
    return subprocess.Popen(
        [os.environ["STROPHE_CLIENT"], srv.host, str(port), srv.jid(user),
         "pw", srv.cafile] + list(opts),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main():
    with XmppServer(server_kind()) as srv:
        srv.add_user("alice", "pw")
        srv.add_user("bob", "pw")
        bob = client(srv, "bob", srv.tls_port, "--direct-tls",
                     "--expect", BODY)
        line = bob.stdout.readline()  # bounded: the client exits by 20 s
        assert line.startswith("bound " + srv.jid("bob") + "/"), (
            line, bob.stderr.read())
        print("ok strophe_direct_tls_login")
        alice = client(srv, "alice", srv.port, "--send", srv.jid("bob"),
                       BODY)
        out, err = alice.communicate(timeout=30)
        assert alice.returncode == 0, (out, err)
        assert out.startswith("bound " + srv.jid("alice") + "/"), out
        print("ok strophe_starttls_login")
        out, err = bob.communicate(timeout=30)
        assert bob.returncode == 0, (line, out, err)
        assert out.startswith("received " + srv.jid("alice") + "/"), out
        print("ok strophe_message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
