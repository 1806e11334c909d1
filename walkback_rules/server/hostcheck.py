"""Refuse requests whose Host header is not this server's own name (DNS rebinding).

A page on a rebinding domain runs in the clinician's own browser and reaches the loopback
server under the attacker's name: the Host header is the only thing that tells them apart.
This ASGI middleware checks it on every HTTP request and WebSocket, before Streamlit sees
either. The names allowed are Streamlit's `server.allowedHosts` (loopback by default in
this app's config); a clinic server lists its own name there.

It also refuses a WebSocket whose Origin is not this server exactly (scheme, host and
port), and behind TLS marks every cookie the app sets `Secure`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = ("localhost", "127.0.0.1", "::1")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def host_name(header: str | None) -> str | None:
    """The name in a Host header, lower case, without its port (None when malformed)."""
    if not header:
        return None
    try:
        parts = urlsplit(f"//{header}")
        _ = parts.port  # a port that is not a number is malformed
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or parts.path or parts.query:
        return None
    return (parts.hostname or "").rstrip(".") or None


def allowed(name: str | None, patterns: Iterable[str]) -> bool:
    """Whether a host name matches one of `patterns` ("clinic.example", "*.example")."""
    if name is None:
        return False
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip(".")
        if pattern.startswith("[") and pattern.endswith("]"):
            pattern = pattern[1:-1]
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def _header(scope: Scope, name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), None)


def scheme_of(scope: Scope) -> str:
    """The scheme the browser used: the proxy's X-Forwarded-Proto behind Caddy, otherwise
    the connection's own ("ws" counts as "http", "wss" as "https")."""
    forwarded = (_header(scope, b"x-forwarded-proto") or "").split(",")[0].strip().lower()
    own = str(scope.get("scheme", "http")).replace("wss", "https").replace("ws", "http")
    return forwarded or own


def same_origin(scope: Scope) -> bool:
    """A WebSocket's Origin, when the browser sends one, must be this server exactly:
    the same scheme, host and port (Streamlit's own check compares the host alone)."""
    if scope["type"] != "websocket":
        return True
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    host = _header(scope, b"host") or ""
    try:
        served = urlsplit(f"//{host}")
        served_port = served.port
    except ValueError:
        return False
    default = {"http": 80, "https": 443}
    scheme = scheme_of(scope)
    return (
        parts.scheme == scheme
        and (parts.hostname or "") == (served.hostname or "")
        and (origin_port or default.get(parts.scheme)) == (served_port or default.get(scheme))
    )


async def answer(
    send: Send, status: int, body: bytes = b"", headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    """A whole plain-text HTTP response from a middleware, before Streamlit sees the request."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _secure(scope: Scope, send: Send) -> Send:
    """Behind TLS, every cookie the app sets is marked Secure (never sent over plain HTTP)."""
    if scheme_of(scope) != "https":
        return send

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = []
            for key, value in message.get("headers", []):
                if key.lower() == b"set-cookie" and b"secure" not in value.lower():
                    value = value + b"; Secure"
                headers.append((key, value))
            message["headers"] = headers
        await send(message)

    return sending


class HostCheck:
    """ASGI middleware: answer 421 (HTTP) or close (WebSocket) for a foreign Host."""

    def __init__(self, app: ASGIApp, hosts: Callable[[], Iterable[str]]) -> None:
        self.app = app
        self.hosts = hosts  # read on each request, so a config change applies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None
        )
        if allowed(host_name(header), list(self.hosts()) or LOOPBACK) and same_origin(scope):
            await self.app(
                scope, receive, send if scope["type"] == "websocket" else _secure(scope, send)
            )
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await answer(
            send,
            421,
            b"This WalkBack CDS server does not answer to that host name. A clinic server "
            b"names its own host names in the server.allowedHosts setting.\n",
        )
