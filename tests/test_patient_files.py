"""Downloads and uploads behind sign-in: the middleware before Streamlit's media and upload
routes, with the person read from Streamlit's own signed cookie."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from walkback_rules.server.files import PatientFiles, cookies_of, streamlit_person

SECRET = "a-test-cookie-secret-of-enough-length"


async def _served(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/pdf")]})  # fmt: skip
    await send({"type": "http.response.body", "body": b"%PDF"})


def fetch(
    guard: PatientFiles, path: str, cookie: str | None = None
) -> tuple[int, dict[bytes, bytes]]:
    headers = [(b"host", b"clinic.example")] + ([(b"cookie", cookie.encode())] if cookie else [])
    scope = {"type": "http", "path": path, "headers": headers}
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    asyncio.run(guard(scope, receive, send))
    return sent[0]["status"], dict(sent[0]["headers"])


NOTED: list[tuple[str, str]] = []


def guard(mode: str, who: str | None = None, allowed: bool = True) -> PatientFiles:
    issued = datetime.now(UTC)
    return PatientFiles(_served, mode=lambda: mode,
                        person=lambda _c: None if who is None else (who, issued),
                        allowed=lambda _w, _i: allowed,
                        note=lambda w, p: NOTED.append((w, p)))  # fmt: skip


@pytest.mark.parametrize("path", ["/media/abc123.pdf", "/_stcore/upload_file/s/f"])
@pytest.mark.parametrize(
    ("mode", "who", "allowed", "status"),
    [
        ("sign_in", None, True, 401),  # a copied link, no sign-in
        ("sign_in", "teacher@clinic.example", False, 403),  # signed in, no patient role
        ("sign_in", "sam@clinic.example", True, 200),
        ("refused", "sam@clinic.example", True, 401),  # an open address: nobody
        ("local", None, True, 200),  # one clinician's own machine, as before
    ],
)
def test_patient_files_need_a_person_who_may_see_them(
    path: str, mode: str, who: str | None, allowed: bool, status: int
) -> None:
    NOTED.clear()
    got, headers = fetch(guard(mode, who, allowed), path)

    assert got == status
    assert headers[b"cache-control"] == b"no-store"  # never kept by a cache, even refused
    # Each refusal is noted with who asked and the route, nothing of the file.
    asked = who if mode == "sign_in" and who else "not signed in"
    expected = [] if status == 200 else [(asked, path)]
    assert expected == NOTED


def test_other_routes_pass_untouched() -> None:
    got, headers = fetch(guard("sign_in", None), "/_stcore/health")
    assert got == 200 and b"cache-control" not in headers


@pytest.fixture
def cookie_secret() -> Any:
    from streamlit import config

    before = config.get_option("server.cookieSecret")
    config.set_option("server.cookieSecret", SECRET)
    yield SECRET
    config.set_option("server.cookieSecret", before)


def _cookie(payload: dict[str, Any], secret: str) -> str:
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    value = create_signed_value(secret, "_streamlit_user", json.dumps(payload))
    return f"_streamlit_user={value.decode()}"


def test_the_person_is_read_from_streamlits_signed_cookie(cookie_secret: str) -> None:
    signed_in = {
        "is_logged_in": True, "email": "Sam@Clinic.Example", "origin": "https://x",
        "iss": "https://idp.example", "sub": "sam-1",
    }  # fmt: skip

    def person(cookie: str) -> str | None:
        return streamlit_person(cookies_of({"headers": [(b"cookie", cookie.encode())]}))

    # The account, never the e-mail, says who it is; an unverified e-mail grants nothing.
    assert person(_cookie(signed_in, cookie_secret)) == "https://idp.example sam-1"
    assert person(_cookie({**signed_in, "email_verified": False}, cookie_secret)) is None
    assert person(_cookie({**signed_in, "sub": ""}, cookie_secret)) is None
    assert person(_cookie(signed_in, "another-secret-entirely-of-length")) is None  # forged
    assert person(_cookie({**signed_in, "is_logged_in": False}, cookie_secret)) is None
    assert person("_streamlit_user=not-signed") is None
    assert person('bad"cookie; =') is None
