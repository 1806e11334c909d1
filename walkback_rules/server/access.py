"""Who may use what: the roles of a clinic server, the pages each opens, and whether a server
may show patient data at all.

Sign-in is the clinic's own identity provider (OpenID Connect, through Streamlit); this
module only decides. Without sign-in the app is one clinician's local tool, and only on a
loopback address: started on any other address, it shows no patient data.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Role(StrEnum):
    """A role an administrator grants; a person may hold several."""

    CLINICIAN = "clinician"
    ADMINISTRATOR = "administrator"
    TEACHING = "teaching"


ROLE_WORDS: dict[Role, str] = {
    Role.CLINICIAN: "Clinician: consultations and the patient record",
    Role.ADMINISTRATOR: "Administrator: users and roles, clinic settings, import, delete, "
    "the audit trail",
    Role.TEACHING: "Teaching: the teaching pages and the evidence, with demo cases only",
}

# Each page and the roles that open it. A page not listed here is open to everyone signed in.
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "consultation": frozenset({Role.CLINICIAN}),
    "recommendation": frozenset({Role.CLINICIAN}),
    "plan": frozenset({Role.CLINICIAN}),
    "handouts": frozenset({Role.CLINICIAN}),
    "patients": frozenset({Role.CLINICIAN, Role.ADMINISTRATOR}),
    "visit": frozenset({Role.CLINICIAN}),
    "settings": frozenset({Role.ADMINISTRATOR}),
    "users": frozenset({Role.ADMINISTRATOR}),
    "audit": frozenset({Role.ADMINISTRATOR}),
}
# What one clinician's local tool may do: everything, as today.
LOCAL_ROLES = frozenset(Role)


def may_open(page: str, roles: frozenset[Role]) -> bool:
    """Whether someone holding `roles` may open `page`."""
    needed = PAGE_ROLES.get(page)
    return needed is None or bool(needed & roles)


def sees_patients(roles: frozenset[Role]) -> bool:
    """Whether these roles may see the patient record at all."""
    return bool(roles & {Role.CLINICIAN, Role.ADMINISTRATOR})


def is_loopback(address: str | None) -> bool:
    """Whether a server address listens on this machine only. An empty address is every
    interface (Streamlit's default), so it is not loopback."""
    if not address:
        return False
    name = address.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Access:
    """How this server runs: local (one clinician, loopback, no sign-in), signed in through
    the clinic's identity provider, or refused (no sign-in on an open address)."""

    mode: str  # "local", "sign_in" or "refused"
    reason: str = ""


REFUSED = (
    "This server listens on {address}, which other machines can reach, and sign-in is not "
    "set up, so it shows no patient data. Either set server.address to 127.0.0.1 in "
    ".streamlit/config.toml (one clinician on this machine), or set up sign-in: an [auth] "
    "section in .streamlit/secrets.toml for the clinic's identity provider "
    "(docs/DEPLOYMENT.md)."
)


SECRETS_READABLE = (
    "The secrets file {path} can be read by other users of this machine, and it holds the "
    "sign-in's secrets, so this server shows no patient data. Make it readable by the "
    "app's own user only (chmod 600 {path}) and start the server again."
)


def secrets_problem(paths: Iterable[str]) -> str | None:
    """Why a secrets file is unfit to trust (readable or writable by others than its
    owner), or None. Files that do not exist are not judged."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if mode & 0o077:
            return SECRETS_READABLE.format(path=path)
    return None


def access(address: str | None, sign_in: bool, secrets: str | None = None) -> Access:
    """The server's access mode from its address, whether sign-in is configured, and
    what is wrong with its secrets file (a problem refuses patient data)."""
    if sign_in and secrets is not None:
        return Access("refused", secrets)
    if sign_in:
        return Access("sign_in")
    if is_loopback(address):
        return Access("local")
    return Access("refused", REFUSED.format(address=address or "every address"))


IDLE_MINUTES = 15  # a session with no activity for longer ends (configurable)
ABSOLUTE_HOURS = 12  # a sign-in older than this ends, whatever its activity (configurable)


def session_ended(
    issued: datetime,
    last_seen: datetime | None,
    valid_from: datetime | None,
    now: datetime,
    idle: timedelta = timedelta(minutes=IDLE_MINUTES),
    absolute: timedelta = timedelta(hours=ABSOLUTE_HOURS),
) -> str | None:
    """Why a signed-in session has ended, in words, or None while it holds. `issued` is
    when its sign-in was issued (to the second); `valid_from` when the person last signed
    out or had their sessions ended; `last_seen` its last activity before now."""
    if valid_from is not None and issued <= valid_from:
        return "it was signed out, or ended by an administrator"
    if now - issued > absolute:
        return f"it began more than {absolute.total_seconds() / 3600:g} hours ago"
    if last_seen is not None and now - last_seen > idle:
        return f"it was idle for more than {idle.total_seconds() / 60:g} minutes"
    return None
