"""The HTTP listener end to end: the embedded web client's index.html at /
(the bytes of web/index.html, its ETag and 304, HEAD), keep-alive on one
connection, pipelined requests answered in order, 404 and 405, a malformed
request refused and closed, and the same over a TLS listener."""
import http.client
import os
import re
import socket
import ssl
import sys

from reedtest import ReedServer

WEB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "..", "web", "index.html")


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def files_and_keepalive(conn, index):
    conn.request("GET", "/")
    r = conn.getresponse()
    body = r.read()
    check(r.status == 200, "GET / is %d" % r.status)
    check(body == index, "GET / is web/index.html")
    check(r.getheader("Content-Type") == "text/html; charset=utf-8",
          "type %s" % r.getheader("Content-Type"))
    check(r.getheader("X-Content-Type-Options") == "nosniff", "nosniff")
    check("default-src 'self'" in r.getheader("Content-Security-Policy"),
          "the pages' CSP")
    etag = r.getheader("ETag")
    check(etag and etag.startswith('"'), "strong ETag %s" % etag)
    sock = conn.sock
    conn.request("GET", "/", headers={"If-None-Match": etag})
    r = conn.getresponse()
    check(r.status == 304 and r.read() == b"", "If-None-Match: 304")
    conn.request("HEAD", "/index.html")
    r = conn.getresponse()
    check(r.status == 200 and r.read() == b"", "HEAD: no body")
    check(int(r.getheader("Content-Length")) == len(index), "HEAD's length")
    conn.request("GET", "/no-such-file.js")
    r = conn.getresponse()
    check(r.status == 404 and r.read() == b"Not Found\n", "404")
    conn.request("POST", "/", body=b"x")
    r = conn.getresponse()
    r.read()
    check(r.status == 405 and r.getheader("Allow") == "GET, HEAD", "405")
    check(conn.sock is sock, "one connection for all of it (keep-alive)")


def read_until_closed(s):
    data = b""
    s.settimeout(10)
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def pipelined(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /nope HTTP/1.1\r\nHost: h\r\n\r\n"
                  b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\n"
                  b"GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        data = read_until_closed(s)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", data)
    check(statuses == [b"404", b"200", b"404"], "in order: %r" % statuses)


def malformed(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n")
        data = read_until_closed(s)
    check(data.startswith(b"HTTP/1.1 400 "), "obs-fold: 400")
    check(b"\r\nConnection: close\r\n" in data, "and closed")


def main():
    with open(WEB, "rb") as f:
        index = f.read()
    listeners = {"http": ["tcp:0:interface=127.0.0.1",
                          "ssl:0:interface=127.0.0.1"]}
    with ReedServer(listeners=listeners) as srv:
        port = srv.port("http", "tcp")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        files_and_keepalive(conn, index)
        conn.close()
        pipelined(port)
        malformed(port)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # reed's self-signed certificate
        conn = http.client.HTTPSConnection("127.0.0.1", srv.port("http", "ssl"),
                                           timeout=10, context=ctx)
        files_and_keepalive(conn, index)
        conn.close()
    print("ok")


if __name__ == "__main__":
    main()
