"""The patient record this session works in (the real one or the practice one), opened once
per process, and what pages read from it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    from walkback_rules.store import Store

from walkback_rules.server.deliveries import DELIVERIES

from . import base, drafts, signin, widgets

_LOG = logging.getLogger(__name__)


def _close(record: Store) -> None:
    record.close()


@st.cache_resource(show_spinner=False, on_release=_close)
def _real() -> Store:
    """The patient record, opened (and migrated if behind) once per app process."""
    from walkback_rules.store import Store

    return Store.open()


def _forget(record: Store) -> None:
    """Close a practice record and delete its folder."""
    import shutil
    from pathlib import Path

    from sqlalchemy.engine import make_url

    record.close()
    database = make_url(record.url).database
    if database:
        shutil.rmtree(Path(database).parent, ignore_errors=True)


@st.cache_resource(show_spinner=False, on_release=_forget)
def _practice(owner: str) -> Store:
    """A practice record for trying the app: a new SQLite file in a private temporary
    folder, one per person signed in (one for a local tool), deleted when the app stops.
    Nothing in it reaches the real record."""
    import atexit
    import shutil
    import tempfile

    from walkback_rules.store import Store

    folder = tempfile.mkdtemp(prefix="walkback-practice-")
    atexit.register(shutil.rmtree, folder, True)  # gone when the server stops
    return Store.open(f"sqlite:///{folder}/practice.db")


def _opened() -> Store:
    """The record this session works in: the practice record or the real one."""
    if st.session_state.get(base.PRACTICE):
        return _practice(signin.identity() or "")  # each person's own
    return _real()


def in_practice() -> bool:
    return bool(st.session_state.get(base.PRACTICE))


def switch_record() -> None:
    """Change between the real record and the practice record (the toggle's callback):
    what is typed stays a draft in the record it was typed in, and no patient stays open."""
    widgets.keep_widgets()
    drafts.keep_draft()
    drafts._new_patient()
    practice = bool(st.session_state.get("practice_toggle"))
    st.session_state[base.PRACTICE] = practice
    st.session_state[base.RESTORED] = False
    if practice:
        st.query_params[base.PRACTICE] = "1"
    else:
        st.query_params.pop(base.PRACTICE, None)


PRACTICE_NOTE = (
    "Practice record: for trying the app. Patients here are not in the real record, and "
    "they are deleted when the app stops."
)


def store(real: bool = False) -> Store:
    """The patient record; when it cannot be opened, the page says why and stops there
    (it is tried again on the next page, once the problem is fixed). `real` asks for the
    clinic's own record even in practice: people, their roles and sign-ins live there."""
    from walkback_rules.store import StoreError

    try:
        return _real() if real else _opened()
    except StoreError as exc:
        st.error(
            f"The patient record cannot be used. {base.md_text(base._capital(str(exc)))}",
            icon=":material/error:",
        )
        st.stop()


def store_or_none() -> Store | None:
    """The patient record, or None after saying on the page why it cannot be used: the
    consultation goes on without it, as decision support needs no record."""
    from walkback_rules.store import StoreError

    try:
        return _opened()
    except StoreError as exc:
        st.error(
            f"The patient record cannot be used. {base.md_text(base._capital(str(exc)))} The "
            "consultation works without it, but cannot be kept or saved until it is fixed.",
            icon=":material/error:",
        )
        return None


def referral_lines() -> list[str]:
    """The open patient's referrals in words, with their statuses and follow-up dates, for
    the clinician summary (none without a record or a patient)."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(base.PATIENT)
    record = store_or_none() if pid else None
    if record is None or pid is None:
        return []
    try:
        followed = record.referrals(pid)
    except StoreError:
        return []
    return [r.line() for r in followed]


def discharged_after(visit_day: date) -> date | None:
    """The day the open patient was discharged when the visit on `visit_day` was the last of
    its episode (a discharge on or after it, with no visit between); None otherwise."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(base.PATIENT)
    record = store_or_none() if pid else None
    if record is None or pid is None:
        return None
    try:
        episodes = record.episodes(pid)
        visits = record.consultations(pid)
    except StoreError:
        return None
    for episode in episodes:
        ended = episode.discharge.day
        later = [v for v in visits if visit_day < date.fromisoformat(v.visit_date) <= ended]
        if ended >= visit_day and not later:
            return ended
    return None


def patient_language() -> str:
    """The language of the open patient's sheets, as the record keeps it (English with no
    record, no patient open, or a patient the record no longer holds)."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(base.PATIENT)
    record = store_or_none() if pid else None
    if record is None or pid is None:
        return "en"
    try:
        return record.patient(pid).language
    except StoreError:
        return "en"


def set_patient_language(pid: str, key: str) -> None:
    """Keep the language chosen in the widget `key` for the patient (its callback)."""
    from walkback_rules.store import StoreError

    try:
        store().set_language(pid, st.session_state[key], actor=signin.actor())
    except StoreError as exc:
        st.toast(f"The language was not kept: {base.md_text(str(exc))}")


def printing(
    build: Callable[[], bytes],
    kind: str,
    cid: int | None = None,
    options: dict[str, Any] | None = None,
) -> Callable[[], bytes]:
    """A download button's data: the file, built when the button is pressed, with its print
    noted in the record once the browser has received it whole (a saved consultation's
    print with its options, to print it again exactly; any other as an audit row). A press
    whose file never arrives is no print.

    Noting it here rather than in an `on_click` callback means a press starts no rerun: a
    rerun gives every download button a new file, and a press that reached the server
    after it asked for a file that was gone (the button then spun for ever). The record,
    the person and the open patient are read now, in the page's run."""
    from walkback_rules.store import StoreError

    try:
        record: Store | None = _opened()
    except StoreError:
        record = None
    who = signin.actor()
    patient = st.session_state.get(base.PATIENT)

    def note() -> None:
        if record is None:
            return
        try:
            if cid is not None and options is not None:
                record.record_print(cid, kind, options, actor=who)
            else:
                record.audit(who, "print", patient, kind)
        except StoreError:
            # No page to say it on: the log names the kind of sheet, nothing of the patient.
            _LOG.warning("a %s print could not be noted in the record", kind)

    def make() -> bytes:
        data = build()
        DELIVERIES.expect(data, note)  # noted once the browser has the whole file
        return data

    return make


def exporting(
    build: Callable[[], bytes | str],
    action: str = "export",
    patient: str | None = None,
    detail: str | None = None,
) -> Callable[[], bytes | str]:
    """A download button's data for an export: the file, built when the button is pressed,
    with its audit row written as it is made (as `printing` notes a print, and for the same
    reason: no `on_click` rerun to take the file away). An export whose row cannot be
    written is not given."""
    record = _opened()
    who = signin.actor()

    def make() -> bytes | str:
        data = build()
        record.audit(who, action, patient, detail)
        return data

    return make


def clock(stamp: str) -> str:
    """A stored moment in the clinic's local time, with its zone (Clinic settings)."""
    from walkback_rules.clinic import clock as clinic_clock

    return clinic_clock(stamp, clinic_settings().zone)


def today() -> date:
    """The clinic's day now, in its time zone (Clinic settings): the one "today" of every
    page, as the record checks it."""
    from walkback_rules.clinic import today as clinic_today

    return clinic_today(clinic_settings().zone)


_SETTINGS_SEEN = "clinic_settings_seen"  # the settings last read, while the record is away


def clinic_settings() -> Any:
    """The clinic's settings from the record (the defaults when there is no record)."""
    from walkback_rules.clinic import ClinicSettings
    from walkback_rules.store import StoreError

    record = store_or_none()
    if record is None:
        return ClinicSettings()
    try:
        found = record.settings()
    except StoreError:  # out of reach for now: the settings last read, as they were
        return st.session_state.get(_SETTINGS_SEEN) or ClinicSettings()
    st.session_state[_SETTINGS_SEEN] = found
    return found
