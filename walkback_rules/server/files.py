"""Patient files behind sign-in: Streamlit serves every download from `/media/<id>` and takes
uploads at `/_stcore/upload_file/...`, to anyone holding the address. On a clinic server
this ASGI middleware answers those routes only for a signed-in person whose roles may see
patient data, and marks every such response `Cache-Control: no-store`, so neither a copied
link nor a shared browser cache hands a sheet or a backup to someone else.

The person is read from Streamlit's own signed sign-in cookie (the one its WebSocket
reads); their roles from the record. A server refused patient data (an open address
without sign-in) answers these routes to nobody; a local tool answers them as before.

A download sent whole (status 200) is what notes its print (`deliveries.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any

from .deliveries import DELIVERIES, Deliveries, digest, served
from .hostcheck import ASGIApp, Message, Receive, Scope, Send, answer

PROTECTED = ("/media/", "/_stcore/upload_file/")
NO_STORE = (b"cache-control", b"no-store")

# cookies -> the signed-in e-mail with when its sign-in was issued, or None
Person = Callable[[dict[str, str]], "tuple[str, datetime] | None"]
# (e-mail, issued) -> whether their session holds and their roles may see patient data
Allowed = Callable[[str, datetime], bool]


def cookies_of(scope: Scope) -> dict[str, str]:
    """The request's cookies by name (none when the header cannot be read)."""
    raw = "; ".join(v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"cookie")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def streamlit_person(cookies: dict[str, str]) -> str | None:
    """The identity provider's account (issuer and subject) in Streamlit's signed sign-in
    cookie, when it is valid, signed in and its e-mail not marked unverified: the account
    decides who someone is, never the e-mail it carries."""
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import (
        _get_signed_cookie_with_chunks,
    )

    decoded = _get_signed_cookie_with_chunks(cookies, USER_COOKIE_NAME)
    if decoded is None:
        return None
    try:
        payload: Any = json.loads(decoded.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(payload, dict) or not payload.get("is_logged_in"):
        return None
    if payload.get("email_verified") is False:
        return None
    issuer, subject = payload.get("iss"), payload.get("sub")
    return f"{issuer} {subject}" if issuer and subject else None


def cookie_issued(cookies: dict[str, str]) -> datetime | None:
    """When the sign-in cookie was issued (to the second, UTC), from its own signature;
    None without a valid one."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    raw = cookies.get(USER_COOKIE_NAME)
    if not raw:
        return None
    serializer = URLSafeTimedSerializer(get_cookie_secret(), salt=USER_COOKIE_NAME)
    try:
        _, stamp = serializer.loads(raw, return_timestamp=True)
    except (BadSignature, UnicodeDecodeError):
        return None
    issued: datetime = stamp
    return issued if issued.tzinfo else issued.replace(tzinfo=UTC)


def signed_in(cookies: dict[str, str]) -> tuple[str, datetime] | None:
    """Who is signed in and when their sign-in was issued, or None."""
    who = streamlit_person(cookies)
    issued = cookie_issued(cookies) if who else None
    return None if who is None or issued is None else (who, issued)


class PatientFiles:
    """ASGI middleware guarding the download and upload routes (see the module's note)."""

    def __init__(
        self,
        app: ASGIApp,
        mode: Callable[[], str],
        person: Person = signed_in,
        allowed: Allowed | None = None,
        note: Callable[[str, str], None] | None = None,
        deliveries: Deliveries = DELIVERIES,
        content_of: Callable[[str], bytes | None] = served,
    ) -> None:
        self.app = app
        self.deliveries = deliveries
        self.content_of = content_of
        self.mode = mode  # "local", "sign_in" or "refused", read on each request
        self.person = person
        self.allowed = allowed or record_allows
        self.note = note or record_refusal  # each refusal, in the audit trail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(PROTECTED):
            await self.app(scope, receive, send)
            return
        mode = self.mode()
        if mode != "local":
            who = self.person(cookies_of(scope)) if mode == "sign_in" else None
            if who is None or not await _in_thread(self.allowed, *who):
                await _noted(self.note, "not signed in" if who is None else who[0], path)
                await _refuse(send, who is None)
                return

        status, whole = [0], [False]

        async def no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message.get("status", 0))
                headers = [h for h in message.get("headers", []) if h[0] != NO_STORE[0]]
                message["headers"] = [*headers, NO_STORE]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                whole[0] = True  # the last of the body has gone

        await self.app(scope, receive, no_store)
        if status[0] == 200 and whole[0] and path.startswith("/media/"):
            # The file as stored (what is sent may be compressed) names the print waiting.
            content = self.content_of(path)
            note = None if content is None else self.deliveries.delivered(digest(content))
            if note is not None:  # sent whole: now the print is noted
                import anyio.to_thread

                await anyio.to_thread.run_sync(note)


async def _in_thread(check: Allowed, who: str, issued: datetime) -> bool:
    """The session and role check, off the event loop (it reads the record)."""
    import anyio.to_thread

    return bool(await anyio.to_thread.run_sync(check, who, issued))


async def _noted(note: Callable[[str, str], None], who: str, path: str) -> None:
    """The refusal in the audit trail, off the event loop; a trail that cannot be written
    refuses all the same."""
    import anyio.to_thread

    await anyio.to_thread.run_sync(note, who, path)


async def _refuse(send: Send, signed_out: bool) -> None:
    body = (
        b"Sign in to the clinic's WalkBack CDS to open this file.\n"
        if signed_out
        else b"Your roles do not include the patient record, so this file is not yours to open.\n"
    )
    await answer(send, 401 if signed_out else 403, body, [NO_STORE])


_STORE: list[Any] = []  # the record, opened once per server process


def _record() -> Any:
    from ..store import Store

    if not _STORE:
        _STORE.append(Store.open())
    return _STORE[0]


def record_refusal(who: str, path: str) -> None:
    """Note a refused download or upload (who asked, which route), never its content."""
    import contextlib

    from ..store import StoreError

    with contextlib.suppress(StoreError):  # refused all the same
        _record().audit(who, "refused_file", None, path.split("?")[0][:120])


def record_allows(account: str, issued: datetime) -> bool:
    """Whether the person bound to a provider `account` has a session (issued then) that
    still holds, without counting as activity, and a role that may see patient data."""
    from ..store import NotFound, StoreError
    from .access import Role, sees_patients, session_ended

    try:
        who = _record().person(account)
        if who is None:  # never signed in to this record
            return False
        user = _record().user(who)
    except (NotFound, StoreError):
        return False
    valid_from = None if user.valid_from is None else datetime.fromisoformat(user.valid_from)
    if session_ended(issued, None, valid_from, datetime.now(UTC)) is not None:
        return False
    known = {role.value for role in Role}
    return sees_patients(frozenset(Role(r) for r in user.roles if r in known))
