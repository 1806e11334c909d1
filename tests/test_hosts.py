"""The Host header check (DNS rebinding): a foreign host name is refused over HTTP and
WebSocket on the running server, and the allow-list matches names exactly."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from walkback_rules.server.hostcheck import HostCheck, allowed, host_name

LOOPBACK = ["localhost", "127.0.0.1", "[::1]"]


@pytest.mark.parametrize(
    ("header", "patterns", "ok"),
    [
        ("127.0.0.1:8501", LOOPBACK, True),
        ("LOCALHOST:8501", LOOPBACK, True),
        ("localhost.:8501", LOOPBACK, True),
        ("[::1]:8501", LOOPBACK, True),
        ("attacker.example:8501", LOOPBACK, False),
        ("evil.localhost:8501", LOOPBACK, False),
        ("127.0.0.1.nip.io", LOOPBACK, False),
        ("localhost@attacker.example", LOOPBACK, False),
        ("localhost:port", LOOPBACK, False),
        ("localhost/path", LOOPBACK, False),
        ("", LOOPBACK, False),
        (None, LOOPBACK, False),
        ("walkback.clinic.example", ["walkback.clinic.example"], True),
        ("ward.clinic.example", ["*.clinic.example"], True),
        ("clinic.example.attacker.example", ["*.clinic.example"], False),
        ("localhost", ["walkback.clinic.example"], False),
    ],
)
def test_the_allow_list_matches_whole_names(
    header: str | None, patterns: list[str], ok: bool
) -> None:
    assert allowed(host_name(header), patterns) is ok


def _call(check: HostCheck, kind: str, host: bytes) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    reached: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {}

    scope = {"type": kind, "headers": [(b"host", host), (b"origin", b"http://" + host)]}
    asyncio.run(HostCheck(inner, check.hosts)(scope, receive, send))
    return sent if not reached else [{"type": "reached app"}]


@pytest.mark.parametrize("kind", ["http", "websocket"])
def test_a_clinic_server_answers_to_its_own_name_only(kind: str) -> None:
    check = HostCheck(lambda *_: None, lambda: ["walkback.clinic.example"])  # type: ignore[arg-type, return-value]

    assert _call(check, kind, b"walkback.clinic.example") == [{"type": "reached app"}]
    refused = _call(check, kind, b"localhost:8501")
    assert refused[0]["type"] in ("http.response.start", "websocket.close")


def test_an_empty_allow_list_means_loopback_only() -> None:
    check = HostCheck(lambda *_: None, lambda: [])  # type: ignore[arg-type, return-value]

    assert _call(check, "websocket", b"127.0.0.1:8501") == [{"type": "reached app"}]
    assert _call(check, "websocket", b"attacker.example")[0]["type"] == "websocket.close"


# --- the running server ------------------------------------------------------------------


def _status(address: tuple[str, int], request: str) -> str:
    """The status line the server answers `request` with ("" if it just closes)."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(request.encode("latin-1"))
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def _get(host: str) -> str:
    return f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"


def _upgrade(host: str) -> str:
    return (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: {host}\r\nOrigin: http://{host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
    )


def test_a_foreign_host_is_refused_over_http(loopback_server: tuple[str, int]) -> None:
    server = loopback_server
    _, port = server

    assert _status(server, _get(f"attacker.example:{port}")) == "HTTP/1.1 421 Misdirected Request"
    assert _status(server, _get(f"127.0.0.1:{port}")) == "HTTP/1.1 200 OK"
    assert _status(server, _get(f"localhost:{port}")) == "HTTP/1.1 200 OK"


def test_a_foreign_host_is_refused_over_websocket(loopback_server: tuple[str, int]) -> None:
    """The reproduction: Host and Origin both attacker.example, as a rebinding page sends."""

    server = loopback_server
    _, port = server

    refused = _status(server, _upgrade(f"attacker.example:{port}"))
    assert not refused.startswith("HTTP/1.1 101"), refused
    assert _status(server, _upgrade(f"127.0.0.1:{port}")) == "HTTP/1.1 101 Switching Protocols"


def test_the_server_never_looks_up_its_external_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Started on 0.0.0.0, Streamlit asked a web service for the machine's external IP."""

    import importlib.util
    import tomllib

    from streamlit import net_util

    from .browser import ROOT

    asked: list[str] = []
    monkeypatch.setattr(net_util, "_make_blocking_http_get", lambda url, **_: asked.append(url))
    monkeypatch.setattr(net_util, "_external_ip", None)
    spec = importlib.util.spec_from_file_location("app", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # as the server imports it

    net_util.get_external_ip()
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())

    assert asked == []
    assert config["browser"]["serverAddress"] == "localhost"  # so no URL banner asks either
    assert config["server"]["allowedHosts"] == LOOPBACK


# --- a WebSocket's origin, exactly; cookies Secure behind TLS --------------------------------


def _socket(origin: str | None, host: str = "walkback.clinic.example", proto: str | None = "https",
            scheme: str = "ws") -> bool:  # fmt: skip
    """Whether a WebSocket with this Origin reaches the app behind the check."""
    reached: list[bool] = []

    async def inner(*_: Any) -> None:
        reached.append(True)

    async def send(_message: Any) -> None:
        return None

    async def receive() -> Any:
        return {}

    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if proto is not None:
        headers.append((b"x-forwarded-proto", proto.encode()))
    scope = {"type": "websocket", "scheme": scheme, "headers": headers}
    check = HostCheck(inner, lambda: ["walkback.clinic.example", "localhost"])
    asyncio.run(check(scope, receive, send))
    return bool(reached)


@pytest.mark.parametrize(
    ("origin", "host", "proto", "reaches"),
    [
        ("https://walkback.clinic.example", "walkback.clinic.example", "https", True),
        (None, "walkback.clinic.example", "https", True),  # no Origin: not a browser page
        ("http://walkback.clinic.example", "walkback.clinic.example", "https", False),  # scheme
        ("https://walkback.clinic.example:8443", "walkback.clinic.example", "https", False),
        ("https://walkback.clinic.example:443", "walkback.clinic.example", "https", True),
        ("https://other.example", "walkback.clinic.example", "https", False),
        ("http://localhost:8501", "localhost:8501", None, True),  # the local tool
        ("http://localhost:9999", "localhost:8501", None, False),  # another port
    ],
)
def test_a_websocket_is_accepted_only_from_this_server_exactly(
    origin: str | None, host: str, proto: str | None, reaches: bool
) -> None:
    assert _socket(origin, host, proto) is reaches


def test_behind_tls_every_cookie_the_app_sets_is_secure() -> None:
    sent: list[Any] = []

    async def inner(_scope: Any, _receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"set-cookie", b"_streamlit_user=abc; HttpOnly; Path=/"),
            (b"set-cookie", b"_streamlit_xsrf=x; Secure; Path=/"),
            (b"content-type", b"text/html")]})  # fmt: skip

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {}

    def cookies(proto: bytes) -> list[bytes]:
        sent.clear()
        scope = {"type": "http", "scheme": "http", "headers": [
            (b"host", b"walkback.clinic.example"), (b"x-forwarded-proto", proto)]}  # fmt: skip
        asyncio.run(HostCheck(inner, lambda: ["walkback.clinic.example"])(scope, receive, send))
        return [v for k, v in sent[0]["headers"] if k == b"set-cookie"]

    assert cookies(b"https") == [b"_streamlit_user=abc; HttpOnly; Path=/; Secure",
                                 b"_streamlit_xsrf=x; Secure; Path=/"]  # fmt: skip
    assert cookies(b"http")[0] == b"_streamlit_user=abc; HttpOnly; Path=/"
