"""File upload across protocols with the real binary (issue 19): an XMPP
user (python3-slixmpp; its xep_0363 plugin needs aiohttp, which Debian's
python3-slixmpp does not pull in, so the slot is a raw iq) finds the
upload.<domain> service in disco, asks for a slot and PUTs the file with
http.client; an IRC user reads soju.im/FILEHOST in 005 and GETs the
XMPP user's link, then POSTs a file of its own with HTTP Basic auth
(201 and a Location the XMPP user GETs). Refused: a file past max_size
(XEP-0363 file-too-large, HTTP 413), a bad token (403), a used slot, a
wrong password (401). An HTML file is served as an attachment of type
application/octet-stream with nosniff and a sandbox CSP."""
import asyncio
import base64
import http.client
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

from rawnet import Irc
from reedtest import ReedServer
from xclient import login
from xmppserver import XmppServer

UNS = "urn:xmpp:http:upload:0"
MAX = 65536


class UploadServer(XmppServer):
    """XmppServer's reed with IRC and HTTP listeners, uploads on."""

    def _start_reed(self):
        ini = {"server": {"name": self.domain, "tls_cert": self.cafile,
                          "tls_key": self.keyfile},
               "upload": {"max_size": "64k", "quota": "1m"}}
        if self.reed is None:
            self.reed = ReedServer(
                listeners={"xmpp": ["tcp:0:interface=127.0.0.1",
                                    "ssl:0:interface=127.0.0.1"],
                           "irc": ["tcp:0:interface=127.0.0.1"],
                           "http": ["tcp:0:interface=127.0.0.1"]},
                extra_ini=ini, data_dir=self.dir + "/reed")
        self.reed.start()
        self.proc = self.reed.proc
        self.port = self.reed.port("xmpp", "tcp")
        self.tls_port = self.reed.port("xmpp", "ssl")


async def in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def fetch(srv, method, url, body=None, headers=None):
    """(status, headers, body) of one request to reed's HTTP listener."""
    u = urllib.parse.urlsplit(url)
    assert (u.hostname, u.port) == ("127.0.0.1",
                                    srv.reed.port("http", "tcp")), url
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=15)
    target = u.path + ("?" + u.query if u.query else "")
    c.request(method, target, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def basic(user, pw):
    return "Basic " + base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()


async def request_slot(client, service, name, size, ctype):
    iq = client.make_iq_get(ito=service)
    req = ET.Element("{%s}request" % UNS, filename=name, size=str(size))
    req.set("content-type", ctype)
    iq.append(req)
    try:
        res = await iq.send(timeout=15)
    except Exception as e:  # an IqError carries the error stanza
        return None, getattr(e, "iq", None)
    slot = res.xml.find("{%s}slot" % UNS)
    return (slot.find("{%s}put" % UNS).get("url"),
            slot.find("{%s}get" % UNS).get("url")), res


async def discover(srv, alice):
    items = await alice["xep_0030"].get_items(jid=srv.domain, timeout=15)
    service = "upload." + srv.domain
    assert service in [i[0] for i in items["disco_items"]["items"]], items
    info = await alice["xep_0030"].get_info(jid=service, timeout=15)
    assert ("store", "file") in [i[:2] for i in
                                 info["disco_info"]["identities"]], info
    assert UNS in info["disco_info"]["features"], info
    form = info.xml.find(".//{jabber:x:data}x")
    fields = {f.get("var"): f.findtext("{jabber:x:data}value")
              for f in form.findall("{jabber:x:data}field")}
    assert fields == {"FORM_TYPE": UNS, "max-file-size": str(MAX)}, fields
    return service


async def xmpp_upload(srv, alice, service):
    data = b"hello from xmpp \xe2\x9c\x93\n"
    urls, _ = await request_slot(alice, service, "note 1.txt", len(data),
                                 "text/plain")
    put, get = urls
    assert put.startswith(get + "?token="), (put, get)
    st, _, _ = await in_thread(fetch, srv, "PUT", put.split("?")[0] +
                               "?token=" + "0" * 64, data,
                               {"Content-Type": "text/plain"})
    assert st == 403, st
    st, _, _ = await in_thread(fetch, srv, "PUT", put, data[:-1],
                               {"Content-Type": "text/plain"})
    assert st == 400, st
    st, _, body = await in_thread(fetch, srv, "PUT", put, data,
                                  {"Content-Type": "text/plain"})
    assert st == 201, (st, body)
    st, _, _ = await in_thread(fetch, srv, "PUT", put, data,
                               {"Content-Type": "text/plain"})
    assert st == 404, st  # a slot is used once
    # Too large: refused by the slot (with the limit) and by HTTP.
    none, err = await request_slot(alice, service, "big.bin", MAX + 1,
                                   "application/octet-stream")
    assert none is None and err is not None, err
    big = err.xml.find(".//{%s}file-too-large" % UNS)
    assert big is not None and big.findtext("{%s}max-file-size" % UNS) == \
        str(MAX), ET.tostring(err.xml)
    return get, data


async def test_upload(srv):
    alice = await login(srv, "alice", "pw-alice-1")
    service = await discover(srv, alice)
    get, data = await xmpp_upload(srv, alice, service)

    # IRC: the FILEHOST token names the POST URL; the XMPP link opens.
    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "bob",
                                      sasl=("bob", "pw-bob-123")))
    got = (await in_thread(irc.read_until, b" 376 ")).decode()
    m = re.search(r" soju\.im/FILEHOST=(\S+)", got)
    http_port = srv.reed.port("http", "tcp")
    assert m and m.group(1) == "http://127.0.0.1:%d/upload" % http_port, got
    filehost = m.group(1)
    alice.send_message(mto=srv.jid("bob"), mbody=get, mtype="chat")
    got = (await in_thread(irc.read_until, get.encode())).decode()
    assert "PRIVMSG bob :" + get in got, got
    st, h, body = await in_thread(fetch, srv, "GET", get)
    assert (st, body) == (200, data), (st, body)
    assert h["content-type"] == "text/plain; charset=utf-8", h
    assert h["content-disposition"].startswith('inline; filename="note 1.txt"')
    assert h["x-content-type-options"] == "nosniff", h
    assert h["content-security-policy"] == "sandbox", h
    st, h, body = await in_thread(fetch, srv, "HEAD", get)
    assert (st, body) == (200, b""), (st, body)
    assert h["content-length"] == str(len(data)), h

    # FILEHOST: OPTIONS, a wrong password, then an HTML file from bob.
    st, h, _ = await in_thread(fetch, srv, "OPTIONS", filehost)
    assert st == 204 and "POST" in h["allow"], (st, h)
    page = b"<html><script>alert(1)</script></html>"
    hdrs = {"Content-Type": "text/html",
            "Content-Disposition": 'attachment; filename="page.html"'}
    st, h, _ = await in_thread(fetch, srv, "POST", filehost, page,
                               dict(hdrs, Authorization=basic("bob", "no")))
    assert st == 401 and h["www-authenticate"].startswith("Basic"), (st, h)
    st, h, _ = await in_thread(fetch, srv, "POST", filehost, b"x" * (MAX + 1),
                               dict(hdrs, Authorization=basic("bob",
                                                              "pw-bob-123")))
    assert st == 413, st
    st, h, _ = await in_thread(fetch, srv, "POST", filehost, page,
                               dict(hdrs, Authorization=basic("bob",
                                                              "pw-bob-123")))
    assert st == 201, (st, h)
    loc = h["location"]
    assert re.fullmatch(r"http://127\.0\.0\.1:%d/upload/[0-9a-f]{32}/"
                        r"page\.html" % http_port, loc), loc
    st, h, body = await in_thread(fetch, srv, "GET", loc)
    assert (st, body) == (200, page), (st, body)
    assert h["content-type"] == "application/octet-stream", h
    assert h["content-disposition"].startswith(
        'attachment; filename="page.html"'), h
    assert h["x-content-type-options"] == "nosniff", h
    assert h["content-security-policy"] == "sandbox", h
    st, _, _ = await in_thread(fetch, srv, "GET", loc[:-4] + "xml")
    assert st == 404, st

    await alice.close()
    irc.close()


def server():
    srv = UploadServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_upload], server))
