"""The local tool on a shared computer answers only the account that started it (by the
kernel's socket tables, or by a per-start key where there are none), health checks aside,
and no page of the app may be framed by another site."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from walkback_rules.server.localuser import LocalUser, key_address, peer_uid

from .needs import unavailable
from .test_hosts import _get, _status, _upgrade

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"


def _table(tmp_path: Path, *rows: tuple[int, int, int]) -> str:
    """A kernel socket table holding a connection per (local port, remote port, uid)."""
    lines = [
        f"   {i}: 0100007F:{local:04X} 0100007F:{remote:04X} 01 00000000:00000000 00:00000000 "
        f"00000000  {uid}        0 {1000 + i} 1 0000000000000000 20 4 30 10 -1"
        for i, (local, remote, uid) in enumerate(rows)
    ]
    path = tmp_path / "tcp"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return str(path)


def test_the_client_end_of_a_connection_names_its_account(tmp_path: Path) -> None:
    table = _table(tmp_path, (8501, 50000, 0), (50000, 8501, 1001), (50001, 8502, 1002))

    assert peer_uid(50000, 8501, [table]) == 1001  # not the server's own end (uid 0)
    assert peer_uid(50001, 8502, [table]) == 1002
    assert peer_uid(50002, 8501, [table]) is None  # no such connection
    assert peer_uid(50000, 8501, [str(tmp_path / "absent")]) is None


def _call(
    guard: LocalUser, kind: str = "http", path: str = "/", query: bytes = b"",
    cookie: bytes | None = None, client_port: int = 50000, proxied: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        if kind == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
        sent.append({"type": "reached app"})

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {}

    headers = [(b"host", b"localhost:8501")] + ([(b"cookie", cookie)] if cookie else [])
    headers += [(b"x-forwarded-for", b"192.0.2.7")] if proxied else []
    scope = {
        "type": kind, "path": path, "query_string": query, "headers": headers,
        "client": ("127.0.0.1", client_port), "server": ("127.0.0.1", 8501),
    }  # fmt: skip
    guard.app = inner
    asyncio.run(guard(scope, receive, send))
    return sent


def _guard(tables: list[str], mode: str = "local", uid: int = 1001) -> LocalUser:
    return LocalUser(lambda *_: None, lambda: mode, lambda: uid, tables, key="k" * 32)  # type: ignore[arg-type, return-value]


@pytest.mark.parametrize("kind", ["http", "websocket"])
def test_another_account_is_refused_and_the_same_one_answered(tmp_path: Path, kind: str) -> None:
    table = _table(tmp_path, (50000, 8501, 1001), (50001, 8501, 1002))
    guard = _guard([table])

    assert {"type": "reached app"} in _call(guard, kind, client_port=50000)
    refused = _call(guard, kind, client_port=50001)
    assert {"type": "reached app"} not in refused
    if kind == "http":
        assert refused[0]["status"] == 403
        assert b"another account" in refused[1]["body"]
    else:
        assert refused == [{"type": "websocket.close", "code": 1008}]
    # A connection the tables do not show is refused too (fails closed).
    assert {"type": "reached app"} not in _call(guard, kind, client_port=50009)


@pytest.mark.parametrize("kind", ["http", "websocket"])
def test_a_tool_without_sign_in_never_answers_through_a_proxy(tmp_path: Path, kind: str) -> None:
    """Behind a proxy the connection's other end is the proxy's account, never the person."""
    table = _table(tmp_path, (50000, 8501, 1001))  # the proxy runs as the same account

    refused = _call(_guard([table]), kind, proxied=True)
    assert {"type": "reached app"} not in refused
    if kind == "http":
        assert refused[0]["status"] == 403 and b"through a proxy" in refused[1]["body"]
    assert {"type": "reached app"} in _call(_guard([table], mode="sign_in"), kind, proxied=True)


def test_health_and_a_clinic_server_pass(tmp_path: Path) -> None:
    table = _table(tmp_path, (50001, 8501, 1002))

    assert {"type": "reached app"} in _call(
        _guard([table]), path="/_stcore/health", client_port=50001
    )
    signed = _guard([table], mode="sign_in")  # its people are checked by their sessions
    assert {"type": "reached app"} in _call(signed, client_port=50001)


def test_every_page_forbids_framing(tmp_path: Path) -> None:
    table = _table(tmp_path, (50000, 8501, 1001))
    for mode in ("local", "sign_in"):
        start = _call(_guard([table], mode=mode))[0]
        headers = dict(start["headers"])
        assert headers[b"x-frame-options"] == b"DENY"
        assert headers[b"content-security-policy"] == b"frame-ancestors 'none'"


def test_without_kernel_tables_the_printed_key_opens_it(tmp_path: Path) -> None:
    guard = _guard([str(tmp_path / "no-such-table")])
    key = "k" * 32

    assert key_address("http://localhost:8501", key) == f"http://localhost:8501/?key={key}"
    refused = _call(guard)
    assert refused[0]["status"] == 403 and b"address it printed" in refused[1]["body"]
    assert _call(guard, "websocket") == [{"type": "websocket.close", "code": 1008}]
    wrong = _call(guard, query=b"key=" + b"x" * 32)
    assert wrong[0]["status"] == 403

    opened = _call(guard, path="/patients", query=f"key={key}&patient=p-1".encode())
    headers = dict(opened[0]["headers"])
    assert opened[0]["status"] == 303
    assert headers[b"location"] == b"/patients?patient=p-1"  # the key leaves the address
    cookie = headers[b"set-cookie"]
    assert cookie.startswith(f"walkback_local_8501={key};".encode())
    assert b"HttpOnly" in cookie and b"SameSite=Strict" in cookie

    with_cookie = f"other=1; walkback_local_8501={key}".encode()
    assert {"type": "reached app"} in _call(guard, cookie=with_cookie)
    assert {"type": "reached app"} in _call(guard, "websocket", cookie=with_cookie)
    another_start = b"walkback_local_8501=" + b"z" * 32
    assert {"type": "reached app"} not in _call(guard, cookie=another_start)


# --- the running local tool, reached from a second account -------------------------------

SECOND_ACCOUNT = 65534  # nobody


def _as_second_account(address: tuple[str, int], request: str) -> str:
    """The status line the server gives `request` sent from another account."""
    code = (
        "import socket, sys\n"
        "c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)\n"
        "c.sendall(sys.argv[3].encode('latin-1'))\n"
        "a = b''\n"
        "while b'\\r\\n' not in a:\n"
        "    d = c.recv(4096)\n"
        "    if not d: break\n"
        "    a += d\n"
        "print(a.split(b'\\r\\n', 1)[0].decode('latin-1'))\n"
    )
    # The system's Python: this one may sit in a folder the second account cannot enter.
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None:
        unavailable("no system python3 to run as a second account")
    done = subprocess.run(
        [python, "-I", "-c", code, address[0], str(address[1]), request],
        user=SECOND_ACCOUNT, group=SECOND_ACCOUNT, extra_groups=[], cwd="/",
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_second_account_on_the_computer_is_refused(
    loopback_server: tuple[str, int],
) -> None:
    """The finding: an account that cannot read the record file read every patient."""
    server = loopback_server
    if os.getuid() != 0:
        unavailable("acting as a second account on this computer needs root")
    if not Path("/proc/net/tcp").exists():
        unavailable("this system has no kernel socket tables (the printed key applies)")
    host = f"{server[0]}:{server[1]}"

    assert _status(server, _get(host)) == "HTTP/1.1 200 OK"
    assert _status(server, _upgrade(host)) == "HTTP/1.1 101 Switching Protocols"
    assert _as_second_account(server, _get(host)) == "HTTP/1.1 403 Forbidden"
    assert not _as_second_account(server, _upgrade(host)).startswith("HTTP/1.1 101")
