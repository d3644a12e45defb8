"""A small WebSocket client for the end-to-end tests (python3-websockets,
asyncio): each message received is kept in order; every wait is bounded."""
import asyncio

import websockets


class Ws:
    def __init__(self, conn):
        self.conn = conn
        self.got = []  # every message received, in order

    @classmethod
    async def open(cls, port, path, subprotocols=None, origin=None,
                   headers=None):
        conn = await asyncio.wait_for(websockets.connect(
            "ws://127.0.0.1:%d%s" % (port, path),
            subprotocols=subprotocols, origin=origin,
            extra_headers=headers or {}, max_size=2 ** 20), 10)
        return cls(conn)

    async def send(self, msg):
        await self.conn.send(msg)

    async def recv(self, timeout=10.0):
        msg = await asyncio.wait_for(self.conn.recv(), timeout)
        self.got.append(msg)
        return msg

    async def until(self, pred, timeout=10.0):
        """Messages up to and including the first for which pred holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = []
        while True:
            msg = await self.recv(max(0.05, deadline - loop.time()))
            seen.append(msg)
            if pred(msg):
                return seen

    async def closed(self, timeout=10.0):
        """The close code once the server has closed (messages before it
        are kept)."""
        try:
            while True:
                await self.recv(timeout)
        except websockets.ConnectionClosed as e:
            return e.code
