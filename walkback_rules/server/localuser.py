"""The local tool answers only the account that started it, and no page may frame it.

On a shared computer every account can reach a loopback port. The local tool holds every
role without sign-in, so another account opening its address would read every patient.
On Linux the kernel says which account owns each end of a loopback connection
(`/proc/net/tcp`, `/proc/net/tcp6`): a request whose other end belongs to another account
is refused, over HTTP and WebSocket, with nothing to copy or type for the person who
started it. Where the kernel does not say (macOS, Windows), the tool prints an address
holding a secret made at each start; opening it sets a cookie that the tool then asks for.

A request that came through a proxy is refused: its connection's other end is the proxy,
never the person. A clinic server (sign-in) passes through: its people are checked by their
sessions.
Every page of either gets headers that forbid any other site to show it in a frame.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from walkback_rules.server.files import NO_STORE, cookies_of
from walkback_rules.server.hostcheck import ASGIApp, Message, Receive, Scope, Send, answer

KERNEL_TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
HEALTH = "/_stcore/health"  # says the server is up, nothing more: answered to anyone
KEY = "key"  # the address's query parameter carrying the per-start secret
FRAME_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
]
REFUSED = (
    b"This WalkBack CDS was started by another account on this computer, and answers only "
    b"that account. Start your own with: uv run streamlit run app.py\n"
)
PROXIED = (
    b"This WalkBack CDS has no sign-in, so it answers only a browser on this computer, never "
    b"one reaching it through a proxy. A clinic server behind a proxy sets up sign-in "
    b"(docs/DEPLOYMENT.md).\n"
)
NO_KEY = (
    b"Open WalkBack CDS at the address it printed when it started (it holds a key made "
    b"for that start). Started again, it prints a new one.\n"
)


def peer_uid(
    client_port: int, server_port: int, tables: Iterable[str] = KERNEL_TABLES
) -> int | None:
    """The account owning the client end of a loopback connection, from the kernel's
    socket tables, or None when no table says (no such table, or no such connection)."""
    for table in tables:
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 8:
                continue
            try:
                local = int(fields[1].rsplit(":", 1)[1], 16)
                remote = int(fields[2].rsplit(":", 1)[1], 16)
                if local == client_port and remote == server_port:
                    return int(fields[7])
            except (IndexError, ValueError):
                continue
    return None


def kernel_says(tables: Iterable[str] = KERNEL_TABLES) -> bool:
    """Whether this system has the socket tables that name each connection's account."""
    return any(Path(table).exists() for table in tables)


def _own_uid() -> int:
    """This process's account (-1 where accounts have no number: the key applies there)."""
    getuid = getattr(os, "getuid", None)
    return int(getuid()) if getuid is not None else -1


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_address(base: str, key: str) -> str:
    """The address printed at start where the kernel cannot name accounts."""
    return f"{base.rstrip('/')}/?{urlencode({KEY: key})}"


def _cookie_name(scope: Scope) -> str:
    # Cookies ignore ports: two local tools on one computer each keep their own.
    port = (scope.get("server") or ("", 0))[1]
    return f"walkback_local_{port}"


def _framed_out(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {key.lower() for key, _ in message.get("headers", [])}
            message["headers"] = list(message.get("headers", [])) + [
                header for header in FRAME_HEADERS if header[0] not in present
            ]
        await send(message)

    return sending


class LocalUser:
    """ASGI middleware: on the local tool, only the account that started it is answered."""

    def __init__(
        self,
        app: ASGIApp,
        mode: Callable[[], str],
        uid: Callable[[], int] | None = None,
        tables: Iterable[str] = KERNEL_TABLES,
        key: str | None = None,
    ) -> None:
        self.app = app
        self.mode = mode  # read on each request: sign-in may be configured later
        self.uid = uid or _own_uid
        self.tables = tuple(tables)
        self.by_kernel = kernel_says(self.tables)
        self.key = key or new_key()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        framed = send if scope["type"] == "websocket" else _framed_out(send)
        if scope.get("path") == HEALTH or self.mode() != "local":
            await self.app(scope, receive, framed)
            return
        if any(key in (b"x-forwarded-for", b"forwarded") for key, _ in scope.get("headers", [])):
            # Through a proxy the connection's other end is the proxy, not the person: a
            # tool without sign-in never answers there (the address it reached is not hers).
            await self._refuse(scope, send, PROXIED)
            return
        if self.by_kernel:
            if self._same_account(scope):
                await self.app(scope, receive, framed)
            else:
                await self._refuse(scope, send, REFUSED)
            return
        name = _cookie_name(scope)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if scope["type"] == "http" and hmac.compare_digest(query.get(KEY, ""), self.key):
            # The printed address: keep the key in a cookie, and take it out of the address.
            rest = urlencode({k: v for k, v in query.items() if k != KEY})
            where = (scope.get("path") or "/") + (f"?{rest}" if rest else "")
            cookie = f"{name}={self.key}; Path=/; HttpOnly; SameSite=Strict".encode()
            moved = [(b"location", where.encode()), (b"set-cookie", cookie)]
            await answer(send, 303, headers=[NO_STORE, *FRAME_HEADERS, *moved])
            return
        if hmac.compare_digest(cookies_of(scope).get(name) or "", self.key):
            await self.app(scope, receive, framed)
            return
        await self._refuse(scope, send, NO_KEY)

    def _same_account(self, scope: Scope) -> bool:
        client, server = scope.get("client"), scope.get("server")
        if not client or not server:
            return False
        return peer_uid(int(client[1]), int(server[1]), self.tables) == self.uid()

    async def _refuse(self, scope: Scope, send: Send, body: bytes) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await answer(send, 403, body, [NO_STORE, *FRAME_HEADERS])
