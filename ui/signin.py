"""Sign-in and roles on a clinic server: who is signed in, the pages their roles open, and
the audit trail of their actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    pass

from . import base, records


def sign_in_configured() -> bool:
    """Whether the clinic's identity provider is set up ([auth] in secrets.toml)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False
    return section is not None and bool(section) and bool(section.get("client_id"))


def access_mode() -> Any:
    """How this server runs (`walkback_rules.server.access.access`): local, sign-in or refused."""
    from walkback_rules.server.access import access, secrets_problem

    signed = sign_in_configured()
    files = (st.get_option("secrets.files") or []) if signed else []
    return access(st.get_option("server.address"), signed, secrets_problem(files))


def identity() -> str | None:
    """Who is signed in, as the record names them (the e-mail their provider account first
    signed in with, lower case), or None on a local tool, signed out, for an account the
    provider does not name by issuer and subject, or when it says the e-mail is not
    verified (either grants nothing). The account decides who it is, never the e-mail."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return None
    if st.user.get("email_verified") is False:
        return None
    account = subject()
    if account is None:
        return None
    cached = st.session_state.get(base.PERSON)
    if cached is not None and cached[0] == account:
        return str(cached[1])
    from walkback_rules.store import StoreError

    email = st.user.get("email")
    try:
        known = records.store(real=True).person(account)
    except StoreError:  # the record cannot say who this is: nobody, until it can
        return None
    who = known or (str(email).strip().lower() if email else None)
    if who is not None:
        st.session_state[base.PERSON] = (account, who)
    return who


def subject() -> str | None:
    """The identity provider's issuer and subject of the account signed in, or None when
    it does not give both."""
    issuer, sub = st.user.get("iss"), st.user.get("sub")
    return f"{issuer} {sub}" if issuer and sub else None


def first_administrator() -> str | None:
    try:
        value = (st.secrets.get("walkback") or {}).get("first_administrator")
    except Exception:
        return None
    return str(value) if value else None


def signed_in_user() -> Any:
    """The signed-in person with their roles, noting the sign-in once a browser session."""
    who = identity()
    if who is None:
        return None
    record = records.store(real=True)  # never the practice record: it has no people
    if st.session_state.get(base.SIGNED_IN) != who:
        name = st.user.get("name")
        user = record.sign_in(
            who, name if isinstance(name, str) else None, first_administrator(), subject()
        )
        st.session_state[base.SIGNED_IN] = who
        return user
    return record.user(who)


def load_roles() -> frozenset[Any]:
    """Read the roles in force for this run (called first thing on every run)."""
    st.session_state[base.ROLES] = _roles()
    return st.session_state[base.ROLES]  # type: ignore[no-any-return]


def roles() -> frozenset[Any]:
    """The roles in force: every role on a local tool, the granted ones when signed in."""
    found = st.session_state.get(base.ROLES)
    return found if found is not None else load_roles()


def _minutes(key: str, default: float) -> float:
    """A time-out from the [walkback] secrets (a positive number), or its default."""
    try:
        value = float((st.secrets.get("walkback") or {}).get(key, default))
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def session_refusal() -> str | None:
    """Why this signed-in session has ended (signed out, ended by an administrator, idle,
    or too old), noting this run as its activity; None while it holds. Read from the
    sign-in cookie's own signed time, so a copied cookie ends with the session."""
    from datetime import UTC, datetime, timedelta

    from walkback_rules.server.access import ABSOLUTE_HOURS, IDLE_MINUTES, session_ended
    from walkback_rules.server.files import cookie_issued
    from walkback_rules.store import NotFound, StoreError

    who = identity()
    issued = cookie_issued(dict(st.context.cookies)) if who else None
    if who is None or issued is None:
        return None
    record = records.store(real=True)
    try:
        user = record.user(who)
    except NotFound:  # a first sign-in: nothing to end yet
        return None
    now = datetime.now(UTC)
    try:
        last = record.seen(who, issued.isoformat(), now.isoformat())
    except StoreError:  # two runs of one session at once: the other noted the activity
        last = None
    ended = session_ended(
        issued,
        None if last is None else datetime.fromisoformat(last),
        None if user.valid_from is None else datetime.fromisoformat(user.valid_from),
        now,
        timedelta(minutes=_minutes("idle_minutes", IDLE_MINUTES)),
        timedelta(hours=_minutes("absolute_hours", ABSOLUTE_HOURS)),
    )
    if (
        ended is not None
        and st.session_state.get(base.SESSION_ENDED) != f"Your session has ended: {ended}"
    ):
        audit("session_ended", None, ended)
    return ended


def _roles() -> frozenset[Any]:
    from walkback_rules.server.access import LOCAL_ROLES, Role

    mode = access_mode().mode
    if mode == "local":
        return LOCAL_ROLES
    if mode == "refused" or identity() is None:
        return frozenset()
    ended = session_refusal()
    if ended is not None:
        st.session_state[base.SESSION_ENDED] = f"Your session has ended: {ended}"
        st.session_state.pop(base.SIGNED_IN, None)
        return frozenset()
    st.session_state.pop(base.SESSION_ENDED, None)
    from walkback_rules.store import StoreError

    try:
        user = signed_in_user()
    except StoreError as exc:  # another account carrying a known person's e-mail
        st.session_state[base.SESSION_ENDED] = str(exc)
        return frozenset()
    return frozenset(Role(r) for r in user.roles) if user is not None else frozenset()


def can(page: str) -> bool:
    """Whether the person using the app may open `page` (its key in PAGES)."""
    from walkback_rules.server.access import may_open

    return may_open(page, roles())


def administers() -> bool:
    """Whether the person holds the administrator's role (always, on a local tool)."""
    from walkback_rules.server.access import Role

    return Role.ADMINISTRATOR in roles()


def sees_patients() -> bool:
    from walkback_rules.server.access import sees_patients as allowed

    return allowed(roles())


def actor() -> str:
    """Who acts, as the audit trail names them."""
    return identity() or base.LOCAL_ACTOR


def audit(action: str, patient: str | None = None, detail: str | None = None) -> None:
    """Add a row to the audit trail for something done on a page (never clinical content)."""
    from walkback_rules.store import StoreError

    try:
        records._opened().audit(actor(), action, patient, detail)
    except StoreError as exc:
        st.toast(f"The audit trail could not be written: {base.md_text(str(exc))}")


def sign_out() -> None:
    """Sign out, ending every session this person has begun on the server: a copy of the
    sign-in cookie opens nothing afterwards."""
    from walkback_rules.store import StoreError

    who = identity()
    audit("sign_out")
    if who is not None:
        try:
            records.store(real=True).end_sessions(who, actor=who)
        except StoreError as exc:
            st.toast(f"The session could not be ended on the server: {base.md_text(str(exc))}")
    st.session_state.pop(base.SIGNED_IN, None)
    st.session_state.pop(base.PERSON, None)
    st.logout()
