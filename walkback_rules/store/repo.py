"""The patient record on a real database: patients, their consultations and walking diary.

SQLite in a per-user folder by default; `WALKBACK_DB_URL` takes any SQLAlchemy URL (a clinic
can point several app instances at one PostgreSQL server). Every write is one transaction:
it happens whole or not at all.

Readers never wait for writers. Opening the record reads its schema version and migrates
only when it is behind, in a short transaction of its own; reads then take no write lock.
A database that is busy, read-only, full or unreachable is a `StoreError` that names the
problem and where the record is, never a traceback. SQL parameters (patient IDs and data)
are kept out of every message and log.

Longer than most files: the `Store` class is the one place that writes, each method one
transaction against the same tables; its file formats are in `transfer.py`, its backups in
`backup.py`, its FHIR view in `fhir.py`.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..clinic import ClinicSettings, error_lines, settings_errors
from ..consultation.referrals import (
    Referral,
    ReferralUpdate,
    follow_up,
    referral_words,
    with_follow_up,
)
from ..consultation.visit import VisitDetails, default_review, screen_status, visit_problems
from ..core.codes import RULESET_VERSION
from ..core.models import Assessment, Recommendation
from ..core.validation import FieldError
from ..history import prescribed
from ..outcomes.cohort import MANY_EPISODES, Member
from ..outcomes.followup import (
    DUE_WINDOW,
    FIELD_LABELS,
    CheckIn,
    Discharge,
    Outcome,
    discharge_problems,
    due,
    first_open,
    outcome,
    problems,
)
from ..outcomes.psfs import FIELD_LABELS as PSFS_LABELS
from ..outcomes.psfs import Psfs
from ..outcomes.psfs import problems as psfs_problems
from .checkins import Line
from .schema import (
    audit,
    browsers,
    check_ins,
    consultations,
    diary,
    diary_changes,
    discharges,
    drafts,
    measures,
    patients,
    printouts,
    referral_updates,
    referrals,
    save_keys,
    sessions,
    user_roles,
    users,
)
from .schema import settings as setting_rows
from .transfer import (
    FORMAT,
    ID_ALPHABET,
    MAX_FILE_ERRORS,
    VERSION,
    ImportError_,
    PatientFile,
    backup_batches,
    check_backup,
    label_problem,
    parse_import,
)

ENV_URL = "WALKBACK_DB_URL"
MIGRATIONS = Path(__file__).parent / "migrations"
HEAD = "0017"  # the newest migration; a test keeps it in step with the migrations folder
WAIT_SECONDS = 10.0  # how long a write waits for another writer before it gives up
_WRITE = "walkback_write"  # the execution option that marks a writing transaction
WRITE_LOCK = 4241  # PostgreSQL's advisory lock that queues writing transactions


class StoreError(Exception):
    """A request the store refuses, with a message a clinician can act on."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    """Someone else changed it since it was shown: the message says what it holds now,
    who changed it and when; nothing was written."""


UNCHECKED: Any = object()  # a write that does not compare with what was shown


@dataclass(frozen=True, slots=True)
class Patient:
    id: str
    label: str | None
    created_at: str
    language: str = "en"  # the language of the patient's own sheets


@dataclass(frozen=True, slots=True)
class PatientSummary:
    """A row of the patient list."""

    id: str
    label: str | None
    consultations: int
    last_seen: str | None
    last_decision: str | None
    next_review: str | None = None  # the review date the last consultation set
    last_recorded: str | None = None  # when the last visit was written up
    open_referral: str | None = None  # the open referral in words, until it is closed
    referral_follow_up: str | None = None  # the day to check on it

    @property
    def referral_line(self) -> str | None:
        """The open referral with the day to check on it, as the list shows it."""
        if self.open_referral is None:
            return None
        return with_follow_up(self.open_referral, self.referral_follow_up)


@dataclass(frozen=True, slots=True)
class Consultation:
    """A saved consultation, exactly as recorded under its ruleset."""

    id: int
    patient_id: str
    recorded_at: str
    ruleset_version: str
    decision: str
    referral_urgency: str | None
    assessment: dict[str, Any]
    recommendation: dict[str, Any]
    visit_date: str = ""
    review_date: str | None = None
    details: dict[str, Any] | None = None  # `visit.VisitDetails`; None before they were kept
    clinician_id: str | None = None  # who saved it, signed in (None on a local tool)

    def visit(self) -> VisitDetails | None:
        return None if self.details is None else VisitDetails.model_validate(self.details)

    def decided(self) -> tuple[Assessment, Recommendation] | None:
        """The assessment and recommendation as models of the current ruleset, or None for a
        consultation made under an older one (kept, shown and exported as recorded)."""
        if self.ruleset_version != RULESET_VERSION:
            return None
        return (
            Assessment.model_validate(self.assessment),
            Recommendation.model_validate(self.recommendation),
        )


@dataclass(frozen=True, slots=True)
class User:
    """Someone who has signed in on a clinic server, and the roles they hold."""

    identity: str  # the e-mail their identity provider gave, lower case
    name: str | None
    first_seen: str
    roles: frozenset[str]
    valid_from: str | None = None  # sessions begun before this are ended


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One row of the audit trail."""

    id: int
    at: str
    actor: str
    action: str
    patient: str | None
    detail: str | None


@dataclass(frozen=True, slots=True)
class Draft:
    """A consultation being typed, as the form holds it."""

    token: str
    patient_id: str | None
    form: dict[str, Any]
    updated_at: str


@dataclass(frozen=True, slots=True)
class Printout:
    """A handout or summary printed from a saved consultation, with the options it used."""

    kind: str
    options: dict[str, Any]
    printed_at: str


@dataclass(frozen=True, slots=True)
class DiaryChange:
    """A diary week corrected or removed, with what it held before (and after)."""

    week_start: str
    change: str  # "corrected" or "removed"
    before: dict[str, int]
    after: dict[str, int] | None
    changed_at: str


@dataclass(frozen=True, slots=True)
class Episode:
    """An episode of care that has ended: its discharge and the check-ins since."""

    id: int
    patient_id: str
    discharge: Discharge
    clinician: str | None  # who saw them at the episode's last visit
    many_episodes: bool | None  # more than two previous episodes at its first visit
    recorded_at: str
    check_ins: tuple[CheckIn, ...]

    @property
    def outcome(self) -> Outcome:
        return outcome(self.discharge, self.check_ins)

    def due(self, today: date) -> list[tuple[int, date]]:
        return due(self.discharge, self.check_ins, today)

    def first_open(self) -> date | None:
        return first_open(self.discharge, self.check_ins)

    @property
    def target_reached(self) -> bool | None:
        from ..core.dosing import Dose, target_met

        dose = self.discharge.dose
        return None if dose is None else target_met(Dose(*dose))


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    """A check-in due: whose, which month after discharge, and on what day."""

    patient_id: str
    label: str | None
    month: int
    day: date
    discharged: date


# A diary week's fields as the diary form names them.
DIARY_LABELS = {
    "week_start": "Week starting",
    "walks": "Walks",
    "minutes": "Minutes in the week",
    "worst_pain": "Worst pain",
}


@dataclass(frozen=True, slots=True)
class DiaryWeek:
    week_start: str
    walks: int
    minutes: int
    worst_pain: int


CREDENTIAL = "walkback-db-url"  # systemd's LoadCredential= name for the record's URL


def default_url() -> str:
    """`WALKBACK_DB_URL`; or the service's credential (systemd `LoadCredential=`, so the
    password is in no environment line or unit file); or SQLite in the user's data folder
    (created on first use)."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    credentials = os.environ.get("CREDENTIALS_DIRECTORY")
    if credentials:
        given = Path(credentials) / CREDENTIAL
        if given.is_file():
            return given.read_text(encoding="utf-8").strip()
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("walkback-cds", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{folder / 'walkback.db'}"


def describe_url(url: str) -> str:
    """Where the record lives, for the About page: a file path, or the kind of server and its
    host, never a URL with its user, database or password."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "(in memory)"
    return f"a {parsed.get_backend_name()} database server on {parsed.host or 'this machine'}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _private_file(url: str) -> None:
    """Create a SQLite record file readable by its owner only (0600), before SQLite does;
    SQLite gives its write-ahead log and shared-memory files the same mode."""
    parsed = sa.engine.make_url(url)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)  # an older record made before this, too


def _read_only_sqlite(url: str, exc: OSError) -> str | None:
    """The read-only address of an existing SQLite record that cannot be written (a
    read-only disk or file), or None when the failure is something else."""
    import errno
    from urllib.parse import quote

    parsed = sa.engine.make_url(url)
    path = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not path:
        return None
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        return None
    # immutable: no lock files either, which a read-only disk could not hold.
    return f"sqlite:///file:{quote(os.path.abspath(path))}?mode=ro&immutable=1&uri=true"


def _engine(url: str, wait: float) -> Engine:
    parsed = sa.engine.make_url(url)
    # hide_parameters: a failed statement's message and the log never carry patient data.
    if parsed.get_backend_name() != "sqlite":
        server = sa.create_engine(
            url,
            pool_pre_ping=True,
            hide_parameters=True,
            connect_args={"connect_timeout": max(1, int(wait))},
        )

        @event.listens_for(server, "begin")
        def _serialised(conn: Connection) -> None:
            # Writes queue, across every app process, as they do on SQLite: a write reads
            # what it replaces and writes it in one step that no other write interleaves
            # with (two saves of one diary week at once failed with UniqueViolation under
            # READ COMMITTED). Reads take no lock and never wait. Writes are milliseconds.
            if conn.get_execution_options().get(_WRITE, False):
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

        return server
    read_only = "mode=ro" in url  # a record on a read-only disk (Store.open)
    engine = sa.create_engine(url, connect_args={"timeout": wait}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        cursor = dbapi.cursor()
        if read_only:  # a record on a read-only disk: read, never written
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
            return
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")  # once: it needs a write
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged save survives a power cut
        cursor.execute("PRAGMA secure_delete=ON")  # deleted patients are overwritten, not left
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A write takes the lock at its start, so two writers queue instead of failing
        # half-way; a read takes none, so it never waits for a writer (WAL).
        writing = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


def _plain(exc: sa.exc.DBAPIError, where: str) -> StoreError:
    """A database failure in words a clinician can act on, naming where the record is."""
    text = str(exc.orig).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            f"the patient record ({where}) is busy: another program is writing to it. "
            "Try again in a moment."
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StoreError(
            f"the patient record ({where}) is read-only: nothing can be saved. Ask whoever "
            "looks after this computer to let this account write to it."
        )
    if "disk is full" in text or "no space" in text or "disk full" in text:
        return StoreError(
            f"the disk holding the patient record ({where}) is full: nothing was saved. "
            "Free some space and try again."
        )
    if "unable to open" in text or "connection" in text or "could not connect" in text:
        return StoreError(f"the patient record ({where}) cannot be opened or reached.")
    if "not a database" in text or "malformed" in text:
        return StoreError(f"the patient record ({where}) is damaged or is not a WalkBack record.")
    return StoreError(
        f"the patient record ({where}) refused the change; nothing was saved "
        f"({type(exc.orig).__name__})."
    )


P = ParamSpec("P")
R = TypeVar("R")


def _plain_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a database failure inside a store method into a plain `StoreError`."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sa.exc.DBAPIError as exc:
            store = args[0]
            assert isinstance(store, Store)
            raise _plain(exc, describe_url(store.url)) from None

    return wrapper


def _remove(conn: Connection, pid: str) -> int:
    """Delete one patient's rows from every table; return how many consultations went."""
    visits = sa.select(consultations.c.id).where(consultations.c.patient_id == pid)
    conn.execute(printouts.delete().where(printouts.c.consultation_id.in_(visits)))
    items = sa.select(referrals.c.id).where(referrals.c.patient_id == pid)
    conn.execute(referral_updates.delete().where(referral_updates.c.referral_id.in_(items)))
    conn.execute(referrals.delete().where(referrals.c.patient_id == pid))
    ended = sa.select(discharges.c.id).where(discharges.c.patient_id == pid)
    conn.execute(check_ins.delete().where(check_ins.c.discharge_id.in_(ended)))
    conn.execute(discharges.delete().where(discharges.c.patient_id == pid))
    conn.execute(measures.delete().where(measures.c.patient_id == pid))
    gone = conn.execute(consultations.delete().where(consultations.c.patient_id == pid))
    conn.execute(diary.delete().where(diary.c.patient_id == pid))
    conn.execute(diary_changes.delete().where(diary_changes.c.patient_id == pid))
    conn.execute(drafts.delete().where(drafts.c.patient_id == pid))
    conn.execute(patients.delete().where(patients.c.id == pid))
    return int(gone.rowcount)


# What the audit trail records, in words for the page that shows it.
AUDIT_ACTIONS: dict[str, str] = {
    "sign_in": "signed in",
    "sign_out": "signed out",
    "open_patient": "opened the patient",
    "save_consultation": "saved a consultation",
    "referral_status": "recorded a referral's status",
    "save_diary": "saved a diary week",
    "remove_diary": "removed a diary week",
    "print": "printed",
    "export": "exported",
    "import": "imported",
    "delete_patient": "deleted the patient",
    "settings": "changed the clinic settings",
    "grant_role": "granted a role",
    "revoke_role": "took back a role",
    "export_audit": "exported the audit trail",
    "set_language": "set the language of the patient's sheets",
    "end_sessions": "ended someone's sessions",
    "refused_sign_in": "was refused at sign-in",
    "refused_file": "was refused a download or upload",
    "list_patients": "listed the patients",
    "backup": "backed up the whole record",
    "restore": "restored the whole record",
    "migrate": "brought the record's schema up to date",
    "read_audit": "read the audit trail",
    "session_ended": "was refused: the session had ended",
    "discharge": "recorded a discharge",
    "check_in": "recorded a follow-up check-in",
    "correct_check_in": "corrected a follow-up check-in",
    "import_check_ins": "imported follow-up check-ins",
    "view_outcomes": "viewed the clinic's outcomes",
    "record_measure": "recorded a function measure",
    "export_outcomes": "exported the clinic's outcomes",
}


def _in_words(errors: dict[str, str]) -> str:
    """Problems by field, each named as the forms name it."""
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in errors.items())


def _check_in_row(entry: CheckIn) -> dict[str, Any]:
    return {
        "month": entry.month,
        "asked_on": entry.asked_on.isoformat(),
        "asked_by": entry.asked_by,
        "how": entry.how,
        "answered": entry.answered,
        "pain": entry.pain,
        "limited": entry.limited,
        "sought_care": entry.sought_care,
        "began": None if entry.began is None else entry.began.isoformat(),
        "month_only": entry.month_only,
    }


def _check_in(row: Any) -> CheckIn:
    return CheckIn(
        row.month,
        date.fromisoformat(row.asked_on),
        row.asked_by,
        row.how,
        bool(row.answered),
        row.pain,
        row.limited,
        row.sought_care,
        None if row.began is None else date.fromisoformat(row.began),
        bool(row.month_only),
    )


def _episodes(conn: Connection, where: Any) -> list[Episode]:
    """The episodes that match `where` (on the discharges table), with their check-ins, in
    patient and day order: two queries however many there are."""
    ended = conn.execute(
        sa.select(discharges).where(where).order_by(discharges.c.patient_id, discharges.c.day)
    ).all()
    kept: dict[int, list[CheckIn]] = {}
    ids = sa.select(discharges.c.id).where(where)
    for row in conn.execute(
        sa.select(check_ins).where(check_ins.c.discharge_id.in_(ids)).order_by(check_ins.c.month)
    ):
        kept.setdefault(row.discharge_id, []).append(_check_in(row))
    return [
        Episode(
            d.id,
            d.patient_id,
            Discharge(
                date.fromisoformat(d.day),
                d.reason,
                None if d.walks is None else (d.walks, d.minutes),
            ),
            d.clinician,
            d.many_episodes,
            d.recorded_at,
            tuple(kept.get(d.id, ())),
        )
        for d in ended
    ]


def _psfs(row: Any) -> Psfs:
    return Psfs(
        date.fromisoformat(row.day),
        row.taken_at,
        tuple((str(i["activity"]), int(i["score"])) for i in row.items),
    )


def _measure_out(m: Psfs) -> dict[str, Any]:
    """A rating as the patient file holds it."""
    return {
        "instrument": "psfs",
        "day": m.day.isoformat(),
        "when": m.when,
        "items": [{"activity": a, "score": s} for a, s in m.activities],
    }


def _episode_out(e: Episode) -> dict[str, Any]:
    """An episode as the patient file holds it."""
    dose = e.discharge.dose
    return {
        "day": e.discharge.day.isoformat(),
        "reason": e.discharge.reason,
        "dose": None if dose is None else {"walks_per_week": dose[0], "minutes_per_walk": dose[1]},
        "clinician": e.clinician,
        "many_episodes": e.many_episodes,
        "recorded_at": e.recorded_at,
        "check_ins": [_check_in_row(c) for c in e.check_ins],
    }


def _audit(
    conn: Connection,
    actor: str,
    action: str,
    patient: str | None = None,
    detail: str | None = None,
) -> None:
    if action not in AUDIT_ACTIONS:
        raise StoreError(f"audit: {action!r} is not an action the trail records")
    if conn.dialect.name == "postgresql":
        # One row at a time across app instances, so the chain never forks.
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4243)")
    before = conn.execute(
        sa.select(audit.c.hash).where(audit.c.hash.is_not(None)).order_by(audit.c.id.desc())
    ).scalar()
    row = {
        "at": now(),
        "actor": actor.strip().lower()[:254],
        "action": action,
        "patient": patient,
        "detail": None if detail is None else detail[:200],
    }
    conn.execute(audit.insert().values(**row, hash=chain_hash(before, row)))


def _person_of(conn: Connection, subject: str) -> str | None:
    found = conn.execute(sa.select(users.c.identity).where(users.c.subject == subject)).scalar()
    return None if found is None else str(found)


def chain_hash(before: str | None, row: dict[str, Any]) -> str:
    """A row's hash: SHA-256 of the hash before it and the row's fields, in a fixed form."""
    import hashlib
    import json

    fields = [before or "", row["at"], row["actor"], row["action"], row["patient"], row["detail"]]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def _draft_of(token: str, pid: str | None) -> Any:
    """The WHERE clause of one browser's draft for one patient (or for none yet)."""
    return (drafts.c.token == token) & (drafts.c.patient_id == (pid or ""))


def _draft(row: Any) -> Draft:
    return Draft(row.token, row.patient_id or None, dict(row.form), row.updated_at)


def _visit_out(c: Any, printed: Sequence[Printout] = ()) -> dict[str, Any]:
    """A consultation as the patient file holds it (stored row or `Consultation`): its
    details and prints only when it has them, so older files and exports read the same."""
    out: dict[str, Any] = {
        "recorded_at": c.recorded_at,
        "ruleset_version": c.ruleset_version,
        "assessment": c.assessment,
        "recommendation": c.recommendation,
    }
    if c.details is not None:
        out["details"] = c.details
    if c.clinician_id is not None:
        out["clinician_id"] = c.clinician_id
    if printed:
        out["printed"] = [
            {"kind": p.kind, "options": p.options, "printed_at": p.printed_at} for p in printed
        ]
    return out


def _change_out(c: Any) -> dict[str, Any]:
    return {
        "week_start": c.week_start,
        "change": c.change,
        "before": c.before,
        "after": c.after,
        "changed_at": c.changed_at,
    }


def _counts(w: DiaryWeek) -> dict[str, int]:
    return {"walks": w.walks, "minutes": w.minutes, "worst_pain": w.worst_pain}


def _delete_week(conn: Connection, pid: str, week_start: str) -> None:
    conn.execute(
        diary.delete().where((diary.c.patient_id == pid) & (diary.c.week_start == week_start))
    )


def _week_out(w: Any) -> dict[str, Any]:
    return {
        "week_start": w.week_start,
        "walks": w.walks,
        "minutes": w.minutes,
        "worst_pain": w.worst_pain,
    }


def _patient_file(
    p: Any,
    visits: list[dict[str, Any]],
    weeks: list[dict[str, Any]],
    changes: list[dict[str, Any]] | None = None,
    followed: list[dict[str, Any]] | None = None,
    episodes: list[dict[str, Any]] | None = None,
    rated: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    patient: dict[str, Any] = {"id": p.id, "label": p.label, "created_at": p.created_at}
    if p.language != "en":  # an English patient's file reads as before languages
        patient["language"] = p.language
    out = {
        "format": FORMAT,
        "version": VERSION,
        "patient": patient,
        "consultations": visits,
        "diary": weeks,
    }
    if changes:
        out["diary_changes"] = changes
    if followed:
        out["referrals"] = followed
    if episodes:
        out["episodes"] = episodes
    if rated:
        out["measures"] = rated
    return out


def _referral_item(
    conn: Connection, pid: str, cid: int, rec: Recommendation, visit_date: str, at: str
) -> None:
    """The record item of a referral the recommendation gives, advised on the visit day."""
    if rec.referral is None:
        return
    advised = date.fromisoformat(visit_date)
    due = follow_up(rec.referral.urgency, advised)
    rid = conn.execute(
        referrals.insert().values(
            patient_id=pid,
            consultation_id=cid,
            urgency=rec.referral.urgency,
            conditions=list(rec.referral.conditions),
            advised_on=visit_date,
            follow_up=None if due is None else due.isoformat(),
        )
    ).inserted_primary_key
    assert rid is not None
    conn.execute(
        referral_updates.insert().values(
            referral_id=rid[0], status="advised", on_date=visit_date, recorded_at=at
        )
    )


def _followed(items: Sequence[Referral], times: dict[int, str]) -> list[dict[str, Any]]:
    """Referrals as the patient file holds them, each naming its consultation's recorded
    time (`times`, by the consultation's id)."""
    return [{"consultation": times[r.consultation_id], **r.to_json()} for r in items]


def _import_referrals(conn: Connection, file: PatientFile, ids_at: dict[str, int]) -> None:
    """A file's referrals as it holds them; a file made before referrals were followed gets
    an item, advised on the visit day, for each consultation that gave one."""
    given = {r.consultation for r in file.referrals}
    for r in file.referrals:
        rid = conn.execute(
            referrals.insert().values(
                patient_id=file.patient.id,
                consultation_id=ids_at[r.consultation],
                urgency=r.urgency,
                conditions=list(r.conditions),
                advised_on=r.advised_on,
                follow_up=r.follow_up,
            )
        ).inserted_primary_key
        assert rid is not None
        conn.execute(
            referral_updates.insert(),
            [
                {
                    "referral_id": rid[0],
                    "status": u.status,
                    "on_date": u.on,
                    "note": u.note,
                    "recorded_at": u.recorded_at,
                }
                for u in r.updates
            ],
        )
    for c in file.consultations:
        if c.recorded_at in given or c.recommendation.referral is None:
            continue
        if not isinstance(c.recommendation, Recommendation):
            continue  # a 1.0 referral is kept as recorded, outside the follow-up
        day = c.details.visit_date if c.details else c.recorded_at[:10]
        _referral_item(
            conn, file.patient.id, ids_at[c.recorded_at], c.recommendation, day, c.recorded_at
        )


def _referrals(conn: Connection, where: Any) -> list[Referral]:
    """Referrals with every status they have had, oldest first."""
    rows = conn.execute(sa.select(referrals).where(where).order_by(referrals.c.id)).all()
    if not rows:
        return []
    updates: dict[int, list[ReferralUpdate]] = {}
    recorded: dict[int, list[str]] = {}
    for u in conn.execute(
        sa.select(referral_updates)
        .where(referral_updates.c.referral_id.in_([r.id for r in rows]))
        .order_by(referral_updates.c.id)
    ):
        updates.setdefault(u.referral_id, []).append(
            ReferralUpdate(status=u.status, on=u.on_date, note=u.note)
        )
        recorded.setdefault(u.referral_id, []).append(u.recorded_at)
    return [
        Referral(
            r.id,
            r.patient_id,
            r.consultation_id,
            r.urgency,
            tuple(r.conditions),
            r.advised_on,
            r.follow_up,
            tuple(updates.get(r.id, ())),
            tuple(recorded.get(r.id, ())),
        )
        for r in rows
    ]


FIND_LIMIT = 20  # the patients a patient box lists at once: type more to narrow it
PAGE_SIZE = 30  # the patients the Patients page lists at once


def _matching(query: str) -> Any:
    """Patients whose ID or label contains `query`, any case, matched literally (% and _
    are characters, not wildcards)."""
    literal = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{literal}%"
    return sa.or_(
        sa.func.lower(patients.c.id).like(like, escape="\\"),
        sa.func.lower(sa.func.coalesce(patients.c.label, "")).like(like, escape="\\"),
    )


EXPORT_BATCH = 500  # patients read at once by an export: memory stays flat with size
# The most patients the app offers to download in one file (a download is held whole in the
# server's memory, about 0.4 MB a patient); more are exported from the command line.
APP_EXPORT_MAX = 2000


def _export_batch(conn: Connection, people: Sequence[Any]) -> list[dict[str, Any]]:
    """The patient files of `people`, each table read once for all of them."""
    ids = [p.id for p in people]
    visits: dict[str, list[dict[str, Any]]] = {}
    weeks: dict[str, list[dict[str, Any]]] = {}
    changes: dict[str, list[dict[str, Any]]] = {}
    printed: dict[int, list[Printout]] = {}
    followed: dict[str, list[Referral]] = {}
    times: dict[int, str] = {}
    ended: dict[str, list[dict[str, Any]]] = {}
    rated: dict[str, list[dict[str, Any]]] = {}
    for e in _episodes(conn, discharges.c.patient_id.in_(ids)):
        ended.setdefault(e.patient_id, []).append(_episode_out(e))
    by_day = (
        sa.select(measures)
        .where(measures.c.patient_id.in_(ids))
        .order_by(measures.c.patient_id, measures.c.day)
    )
    for m in conn.execute(by_day):
        rated.setdefault(m.patient_id, []).append(_measure_out(_psfs(m)))
    for item in _referrals(conn, referrals.c.patient_id.in_(ids)):
        followed.setdefault(item.patient_id, []).append(item)
    theirs = sa.select(consultations.c.id).where(consultations.c.patient_id.in_(ids))
    for r in conn.execute(
        sa.select(printouts)
        .where(printouts.c.consultation_id.in_(theirs))
        .order_by(printouts.c.printed_at)
    ):
        printed.setdefault(r.consultation_id, []).append(Printout(r.kind, r.options, r.printed_at))
    by_time = (
        sa.select(consultations)
        .where(consultations.c.patient_id.in_(ids))
        .order_by(
            consultations.c.patient_id,
            consultations.c.visit_date,
            consultations.c.recorded_at,
            consultations.c.id,
        )
    )
    for c in conn.execute(by_time):
        visits.setdefault(c.patient_id, []).append(_visit_out(c, printed.get(c.id, ())))
        times[c.id] = c.recorded_at
    by_week = (
        sa.select(diary)
        .where(diary.c.patient_id.in_(ids))
        .order_by(diary.c.patient_id, diary.c.week_start)
    )
    for w in conn.execute(by_week):
        weeks.setdefault(w.patient_id, []).append(_week_out(w))
    by_change = (
        sa.select(diary_changes)
        .where(diary_changes.c.patient_id.in_(ids))
        .order_by(diary_changes.c.patient_id, diary_changes.c.changed_at, diary_changes.c.id)
    )
    for c in conn.execute(by_change):
        changes.setdefault(c.patient_id, []).append(_change_out(c))
    return [
        _patient_file(
            p,
            visits.get(p.id, []),
            weeks.get(p.id, []),
            changes.get(p.id),
            _followed(followed.get(p.id, []), times),
            ended.get(p.id),
            rated.get(p.id),
        )
        for p in people
    ]


def _follow_up(conn: Connection, pid: str) -> None:
    """Keep the day a patient's next check-in falls due on their row (in the same
    transaction as the discharge or check-in that changed it), for `follow_ups_due`."""
    ended = _episodes(conn, discharges.c.patient_id == pid)
    day = None if not ended else ended[-1].first_open()
    conn.execute(
        patients.update()
        .where(patients.c.id == pid)
        .values(follow_up_from=None if day is None else day.isoformat())
    )


def _follow_up_due(today: date) -> Any:
    """Patients with a check-in due by a week from `today` (read by ix_patients_follow_up)."""
    return patients.c.follow_up_from <= (today + DUE_WINDOW).isoformat()


def _summarise(conn: Connection, pid: str) -> None:
    """Keep a patient's list row in step with their consultations (in the same
    transaction as the write that changed them)."""
    count = conn.execute(
        sa.select(sa.func.count()).where(consultations.c.patient_id == pid)
    ).scalar_one()
    last = conn.execute(
        sa.select(
            consultations.c.visit_date,
            consultations.c.decision,
            consultations.c.review_date,
            consultations.c.recorded_at,
        )
        .where(consultations.c.patient_id == pid)
        .order_by(
            consultations.c.visit_date.desc(),
            consultations.c.recorded_at.desc(),
            consultations.c.id.desc(),
        )
        .limit(1)
    ).first()
    conn.execute(
        patients.update()
        .where(patients.c.id == pid)
        .values(
            visits=count,
            last_visit=None if last is None else last.visit_date,
            last_decision=None if last is None else last.decision,
            last_review=None if last is None else last.review_date,
            last_recorded=None if last is None else last.recorded_at,
        )
    )


def _changed_meanwhile(conn: Connection, pid: str, week_start: str, now_held: Any) -> str:
    """What a diary week holds now, who saved it last and when, in words."""
    last = conn.execute(
        sa.select(audit.c.actor, audit.c.at)
        .where(
            (audit.c.patient == pid)
            & (audit.c.action.in_(("save_diary", "remove_diary")))
            & (audit.c.detail == f"week of {week_start}")
        )
        .order_by(audit.c.id.desc())
    ).first()
    held = (
        "no longer holds anything"
        if now_held is None
        else f"now holds {now_held.walks} walks, {now_held.minutes} minutes, worst pain "
        f"{now_held.worst_pain}"
    )
    zone = conn.execute(
        sa.select(setting_rows.c.value).where(setting_rows.c.key == "time_zone")
    ).scalar()
    from ..clinic import ClinicSettings, clock

    when = "" if last is None else clock(last.at, ClinicSettings(time_zone=zone or "").zone)
    who = "" if last is None else f" (saved by {last.actor}, {when})"
    return (
        f"the week of {week_start} was changed since this page showed it: it {held}{who}. "
        "Nothing was saved; save again to replace it"
    )


def _newer_than_files(
    conn: Connection, files: Sequence[PatientFile]
) -> dict[str, tuple[str, str | None]]:
    """Each patient of `files` whose record holds a consultation recorded after the file's
    newest: their newest in the record, and the file's."""
    if not files:
        return {}
    held = dict(
        conn.execute(
            sa.select(consultations.c.patient_id, sa.func.max(consultations.c.recorded_at))
            .where(consultations.c.patient_id.in_([f.patient.id for f in files]))
            .group_by(consultations.c.patient_id)
        ).all()
    )
    out: dict[str, tuple[str, str | None]] = {}
    for f in files:
        given = max((c.recorded_at for c in f.consultations), default=None)
        newest = held.get(f.patient.id)
        if newest is not None and (given is None or _moment(newest) > _moment(given)):
            out[f.patient.id] = (newest, given)
    return out


def _refusals(
    conn: Connection,
    ids: Sequence[str],
    files: Sequence[PatientFile],
    replace: bool,
    newer: Collection[str],
) -> tuple[set[str], list[FieldError]]:
    """Which of `ids` the record holds already, and why the import must not go ahead:
    patients that exist (without `replace`), or whose record holds a consultation newer
    than the file's newest (unless named in `newer`)."""
    existing = set(conn.execute(sa.select(patients.c.id).where(patients.c.id.in_(ids))).scalars())
    if existing and not replace:
        return existing, [
            FieldError("patient.id", f"{pid} already exists (--replace overwrites)")
            for pid in sorted(existing)
        ]
    losing = _newer_than_files(conn, [f for f in files if f.patient.id in existing])
    return existing, [
        FieldError(
            "patient.id",
            f"{pid}: the record holds a consultation recorded at {held}, newer than "
            f"the file's newest ({given or 'none'}); replacing would delete it. Name "
            f"{pid} to replace it all the same (--replace-newer {pid} on the command "
            "line, or among the newer visits to delete on the Patients page)",
        )
        for pid, (held, given) in sorted(losing.items())
        if pid not in newer
    ]


def _write_files(
    conn: Connection, files: Sequence[PatientFile], existing: set[str], actor: str | None
) -> None:
    """Write validated patient files, replacing those in `existing`, and audit each."""
    ids = [f.patient.id for f in files]
    for pid in existing:
        _remove(conn, pid)
    conn.execute(
        patients.insert(),
        [f.patient.model_dump() for f in files],
    )
    for f in files:
        ids_at: dict[str, int] = {}
        for c in f.consultations:
            details = c.details
            new_id = conn.execute(
                consultations.insert().values(
                    patient_id=f.patient.id,
                    recorded_at=c.recorded_at,
                    ruleset_version=c.ruleset_version,
                    decision=c.recommendation.decision.value,
                    referral_urgency=(
                        c.recommendation.referral.urgency if c.recommendation.referral else None
                    ),
                    assessment=c.assessment.model_dump(mode="json"),
                    recommendation=c.recommendation.model_dump(mode="json"),
                    visit_date=details.visit_date if details else c.recorded_at[:10],
                    review_date=details.review_date if details else None,
                    details=details.model_dump(mode="json") if details else None,
                    clinician_id=c.clinician_id,
                )
            ).inserted_primary_key
            assert new_id is not None
            ids_at[c.recorded_at] = int(new_id[0])
            if c.printed:
                conn.execute(
                    printouts.insert(),
                    [{"consultation_id": new_id[0], **p.model_dump()} for p in c.printed],
                )
        _import_referrals(conn, f, ids_at)
    weeks = [{"patient_id": f.patient.id, **w.model_dump()} for f in files for w in f.diary]
    if weeks:
        conn.execute(diary.insert(), weeks)
    changes = [
        {"patient_id": f.patient.id, **c.model_dump()} for f in files for c in f.diary_changes
    ]
    if changes:
        conn.execute(diary_changes.insert(), changes)
    rows = [
        {
            "patient_id": f.patient.id,
            "instrument": m.instrument,
            "day": m.day,
            "taken_at": m.when,
            "items": [i.model_dump() for i in m.items],
            "recorded_at": now(),
        }
        for f in files
        for m in f.measures
    ]
    if rows:
        conn.execute(measures.insert(), rows)
    for f in files:
        for e in f.episodes:
            new = conn.execute(
                discharges.insert().values(
                    patient_id=f.patient.id,
                    day=e.day,
                    reason=e.reason,
                    walks=None if e.dose is None else e.dose.walks_per_week,
                    minutes=None if e.dose is None else e.dose.minutes_per_walk,
                    clinician=e.clinician,
                    many_episodes=e.many_episodes,
                    recorded_at=e.recorded_at,
                )
            ).inserted_primary_key
            assert new is not None
            if e.check_ins:
                conn.execute(
                    check_ins.insert(),
                    [
                        {
                            "discharge_id": new[0],
                            "recorded_at": e.recorded_at,
                            **c.model_dump(),
                        }
                        for c in e.check_ins
                    ],
                )
    for pid in ids:
        _summarise(conn, pid)
        _follow_up(conn, pid)
    if actor is not None:
        for pid in ids:
            _audit(conn, actor, "import", pid, "replaced" if pid in existing else None)


def _moment(stamp: str) -> datetime:
    at = datetime.fromisoformat(stamp)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _revision(engine: Engine) -> str | None:
    """The record's schema version, read without any lock (None for a new record)."""
    with engine.connect() as conn:
        return _revision_of(conn)


APP_ROLE = "walkback_app"  # the role the app runs as on a clinic server (docs/DEPLOYMENT.md)
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's code for "permission denied"


class NotOwner(Exception):
    """The record's schema is behind and this role may not change it."""


def grant_app_role(conn: Connection) -> bool:
    """On PostgreSQL, give the app's role what running needs and nothing more: read and
    write the record, add to the audit trail (never change, remove or empty it), read the
    schema version. It owns nothing, so it can neither alter a table nor switch the audit
    trail's guard off. True when there is such a role (a single-role install has none)."""
    if conn.dialect.name != "postgresql":
        return False
    exists = conn.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role AND rolname <> current_user"),
        {"role": APP_ROLE},
    ).scalar()
    if not exists:
        return False
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}",
        f"REVOKE ALL ON audit, alembic_version FROM {APP_ROLE}",
        f"GRANT SELECT, INSERT ON audit TO {APP_ROLE}",
        f"GRANT SELECT ON alembic_version TO {APP_ROLE}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}",
    ):
        conn.exec_driver_sql(statement)
    return True


def _may_migrate(conn: Connection) -> bool:
    """Whether this connection's role owns the schema (or is a member of its owner)."""
    if conn.dialect.name != "postgresql":
        return True
    owner = conn.exec_driver_sql(
        "SELECT tableowner FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'alembic_version'"
    ).scalar()
    if owner is None:
        return conn.exec_driver_sql("SELECT current_user").scalar() != APP_ROLE
    return bool(
        conn.execute(
            sa.text("SELECT pg_has_role(current_user, :owner, 'MEMBER')"), {"owner": owner}
        ).scalar()
    )


def alembic_config() -> Any:
    """Alembic's configuration for the record's migrations (no alembic.ini is needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _migrate(engine: Engine) -> None:
    """Bring the schema to `HEAD` in one short writing transaction, and grant the app's
    role what the new schema needs (raises `NotOwner` for a role that may not)."""
    from alembic import command

    config = alembic_config()
    with engine.execution_options(**{_WRITE: True}).begin() as conn:
        if conn.dialect.name == "postgresql":
            # One migrator at a time when several app instances start together.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
        if _revision_of(conn) == HEAD:
            return  # another instance migrated while this one waited
        if not _may_migrate(conn):
            raise NotOwner
        config.attributes["connection"] = conn
        try:
            command.upgrade(config, "head")
        except sa.exc.ProgrammingError as exc:
            if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                raise NotOwner from None
            raise
        grant_app_role(conn)


def _revision_of(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return None if found is None else str(found)


def migrate(url: str | None = None) -> tuple[str | None, str, bool]:
    """Bring a record to `HEAD` as its owner, and grant the app's role again: the schema
    before, the schema now, and whether there is an app role to grant to."""
    url = url or default_url()
    engine = _engine(url, WAIT_SECONDS)
    where = describe_url(url)
    try:
        before = _revision(engine)
        try:
            _migrate(engine)
        except NotOwner:
            raise StoreError(_not_owner(where, before)) from None
        with engine.execution_options(**{_WRITE: True}).begin() as conn:
            granted = grant_app_role(conn)
        return before, HEAD, granted
    except sa.exc.DBAPIError as exc:
        raise _plain(exc, where) from None
    finally:
        engine.dispose()


def _not_owner(where: str, have: str | None) -> str:
    return (
        f"the patient record ({where}) is at schema {have or 'none (a new record)'} and this "
        f"version of WalkBack CDS needs {HEAD}. Only the record's owner may change its "
        "schema: run `walkback admin migrate` with the owner's address, then start the app "
        "again (docs/DEPLOYMENT.md, the database roles)."
    )


class Store:
    """The patient record. Open with `Store.open()`; close with `close()` or `with`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self._writer = engine.execution_options(**{_WRITE: True})

    @classmethod
    def open(cls, url: str | None = None, wait: float = WAIT_SECONDS) -> Store:
        """Open the record, migrating it first only when its schema is behind.

        `wait` is how long a write waits for another writer before giving up.
        """
        url = url or default_url()
        where = describe_url(url)
        opened = url
        try:
            _private_file(url)
        except OSError as exc:
            read_only = _read_only_sqlite(url, exc)
            if read_only is None:
                why = (exc.strerror or str(exc)).lower()
                raise StoreError(f"the patient record ({where}) cannot be opened: {why}.") from None
            opened = read_only  # histories can still be read; every write says why not
        engine = _engine(opened, wait)
        try:
            have = _revision(engine)
            if have != HEAD:
                _migrate(engine)
        except NotOwner:
            engine.dispose()
            raise StoreError(_not_owner(where, have)) from None
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            raise _plain(exc, where) from None
        return cls(engine, url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- patients -------------------------------------------------------------------

    @_plain_errors
    def new_patient(self, label: str | None = None) -> Patient:
        """A new patient with a fresh random pseudonym."""
        label = (label or "").strip() or None
        problem = label_problem(label)
        if problem:
            raise StoreError(f"label: {problem}")
        with self._writer.begin() as conn:
            while True:
                pid = "P-" + "".join(secrets.choice(ID_ALPHABET) for _ in range(6))
                exists = conn.execute(sa.select(patients.c.id).where(patients.c.id == pid))
                if exists.first() is None:
                    break
            created = now()
            conn.execute(patients.insert().values(id=pid, label=label, created_at=created))
        return Patient(pid, label, created)

    @_plain_errors
    def patient(self, pid: str) -> Patient:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(patients).where(patients.c.id == pid)).first()
        if row is None:
            raise NotFound(f"no patient {pid}")
        return Patient(row.id, row.label, row.created_at, row.language)

    @_plain_errors
    def set_language(self, pid: str, language: str, actor: str | None = None) -> Patient:
        """Print this patient's own sheets in `language` from now on."""
        from ..handouts.i18n import LANGUAGES

        if language not in LANGUAGES:
            raise StoreError(f"language: one of {', '.join(LANGUAGES)}")
        with self._writer.begin() as conn:
            self._require(conn, pid)
            conn.execute(patients.update().where(patients.c.id == pid).values(language=language))
            if actor is not None:
                _audit(conn, actor, "set_language", pid, language)
        return self.patient(pid)

    @_plain_errors
    def find_patients(self, query: str = "", limit: int = FIND_LIMIT) -> tuple[list[Patient], bool]:
        """At most `limit` patients whose ID or label contains `query` (any case), newest
        first, and whether more match: what a patient box shows as the clinician types,
        read in the database alone (no consultation is read, so its cost does not grow
        with the record's history)."""
        stmt = sa.select(patients)
        query = query.strip()
        if query:
            stmt = stmt.where(_matching(query))
        stmt = stmt.order_by(patients.c.created_at.desc(), patients.c.id).limit(limit + 1)
        with self.engine.connect() as conn:
            found = [Patient(r.id, r.label, r.created_at, r.language) for r in conn.execute(stmt)]
        return found[:limit], len(found) > limit

    @_plain_errors
    def patients(
        self, query: str = "", limit: int | None = None, offset: int = 0
    ) -> list[PatientSummary]:
        """Patients whose ID or label contains `query` (any case), the latest visit first;
        a page of them with `limit` and `offset`.

        "Last" is the latest visit by its date (a visit written up late is not the last
        because it was recorded last); each row carries an open referral until it is closed.
        The order, the search and the page are the database's, over each patient's list row
        (kept with every write), so a page costs the same at 100 or 100,000 patients.
        """
        stmt = sa.select(
            patients.c.id,
            patients.c.label,
            patients.c.visits,
            patients.c.last_visit,
            patients.c.last_decision,
            patients.c.last_review,
            patients.c.last_recorded,
        )
        query = query.strip()
        if query:
            stmt = stmt.where(_matching(query))
        stmt = stmt.order_by(
            sa.nulls_last(patients.c.last_visit.desc()),
            sa.nulls_last(patients.c.last_recorded.desc()),
            patients.c.id.desc(),
        )
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset)
        latest = (
            sa.select(
                referral_updates.c.referral_id, sa.func.max(referral_updates.c.id).label("last")
            )
            .group_by(referral_updates.c.referral_id)
            .subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
            shown = [r.id for r in rows]
            still_open: dict[str, tuple[str, str | None]] = {}
            for o in conn.execute(
                sa.select(
                    referrals.c.patient_id,
                    referrals.c.urgency,
                    referrals.c.advised_on,
                    referrals.c.follow_up,
                    referral_updates.c.status,
                    referral_updates.c.note,
                )
                .join(latest, latest.c.referral_id == referrals.c.id)
                .join(referral_updates, referral_updates.c.id == latest.c.last)
                .where(
                    referral_updates.c.status.in_(("advised", "made"))
                    & referrals.c.patient_id.in_(shown)
                )
                .order_by(referrals.c.id)
            ):
                words = referral_words(o.urgency, o.advised_on, o.status, o.note)
                still_open[o.patient_id] = (words, o.follow_up)
            newest = (
                sa.select(discharges.c.patient_id, sa.func.max(discharges.c.day).label("day"))
                .where(discharges.c.patient_id.in_(shown))
                .group_by(discharges.c.patient_id)
            )
            ended = {d.patient_id: d.day for d in conn.execute(newest)}
        out = []
        for r in rows:
            review = r.last_review
            if r.id in ended and r.last_visit and r.last_visit <= ended[r.id]:
                review = None  # discharged since the last visit: no review follows it
            referral, due = still_open.get(r.id, (None, None))
            out.append(
                PatientSummary(
                    r.id,
                    r.label,
                    r.visits,
                    r.last_visit,
                    r.last_decision,
                    review,
                    r.last_recorded,
                    referral,
                    due,
                )
            )
        return out

    @_plain_errors
    def count_patients(self, query: str = "") -> int:
        """How many patients' ID or label contains `query` (any case)."""
        stmt = sa.select(sa.func.count()).select_from(patients)
        if query.strip():
            stmt = stmt.where(_matching(query.strip()))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    @_plain_errors
    def delete_patient(self, pid: str, actor: str | None = None) -> int:
        """Delete a patient and everything recorded for them; return the consultations gone.
        The audit trail keeps its rows for them, which name the pseudonym only."""
        with self._writer.begin() as conn:
            self._require(conn, pid)
            gone = _remove(conn, pid)
            if actor is not None:
                _audit(conn, actor, "delete_patient", pid, f"{gone} consultations")
        if self.engine.dialect.name == "sqlite":
            # Copy the zeroed pages into the file and empty the log, so no old copy remains.
            raw = self.engine.raw_connection()  # outside any transaction, as the pragma needs
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        return gone

    # --- consultations ----------------------------------------------------------------

    @_plain_errors
    def record(
        self,
        pid: str,
        assessment: Assessment,
        rec: Recommendation,
        at: str | None = None,
        details: VisitDetails | None = None,
        draft: str | None = None,
        clinician_id: str | None = None,
        actor: str | None = None,
        referral: tuple[int, ReferralUpdate] | None = None,
        key: str | None = None,
    ) -> tuple[Consultation, Recommendation]:
        """Save a consultation with its recommendation and the visit's details. Never edits
        one: a correction is a new consultation whose details name the one it corrects.

        Without details, the visit is dated the day it is recorded, its next review is the
        one the recommendation's interval gives, and each screen is positive when something
        was found and otherwise not asked (never "negative").
        `draft` is the browser's token: its draft for this patient goes in the same
        transaction, so a failed save keeps the draft and a saved one leaves none.
        `clinician_id` is who saved it, as signed in on a clinic server. With `actor`, the
        audit trail records the save in the same transaction (as in every method below).
        `rec` is the recommendation the consultation was decided with (`decide`): the store
        computes none. A referral it gives becomes an item of the record; `referral` is the
        status of an open one, asked at this visit. `key` names this decided consultation:
        saved once, a second save with the same key stores nothing and returns the first
        (a second press of Save, or a press repeated after a lost answer).
        """
        if key is not None:
            found = self._saved_under(key)
            if found is not None:
                return found, rec
        at = at or now()
        day = self.today(at)  # the clinic's day when it is recorded, in the clinic's zone
        if details is None:  # that day, and the review its interval gives
            review = default_review(day, rec)
            details = VisitDetails(
                visit_date=day.isoformat(),
                screens=screen_status(assessment, None, None),
                review_date=None if review is None else review.isoformat(),
            )
        problems = visit_problems(details, day)
        if problems:
            raise StoreError("; ".join(problems.values()))
        values = {
            "patient_id": pid,
            "recorded_at": at,
            "ruleset_version": RULESET_VERSION,
            "decision": rec.decision.value,
            "referral_urgency": rec.referral.urgency if rec.referral else None,
            "assessment": assessment.model_dump(mode="json"),
            "recommendation": rec.model_dump(mode="json"),
            "visit_date": details.visit_date,
            "review_date": details.review_date,
            "details": details.model_dump(mode="json"),
            "clinician_id": clinician_id,
        }
        try:
            new_id = self._insert_consultation(
                pid, values, details, rec, at, referral, draft, actor, key
            )
        except sa.exc.IntegrityError:
            found = None if key is None else self._saved_under(key)
            if found is None:
                raise
            return found, rec  # the other press saved it
        return Consultation(id=new_id, **values), rec  # type: ignore[arg-type]

    def _insert_consultation(
        self,
        pid: str,
        values: dict[str, Any],
        details: VisitDetails,
        rec: Recommendation,
        at: str,
        referral: tuple[int, ReferralUpdate] | None,
        draft: str | None,
        actor: str | None,
        key: str | None,
    ) -> int:
        with self._writer.begin() as conn:
            self._require(conn, pid)
            if details.corrects is not None:
                corrected = conn.execute(
                    sa.select(consultations.c.id).where(
                        (consultations.c.patient_id == pid)
                        & (consultations.c.recorded_at == details.corrects)
                    )
                ).first()
                if corrected is None:
                    raise StoreError(
                        f"the consultation to correct ({details.corrects}) is not in {pid}'s record"
                    )
            new_id = conn.execute(consultations.insert().values(**values)).inserted_primary_key
            assert new_id is not None
            _summarise(conn, pid)
            if key is not None:  # a press that raced this one fails here, and writes nothing
                conn.execute(save_keys.insert().values(key=key, consultation_id=int(new_id[0])))
            _referral_item(conn, pid, int(new_id[0]), rec, details.visit_date, at)
            if referral is not None:
                self._update_referral(conn, pid, *referral, at=at)
            if draft is not None:
                conn.execute(drafts.delete().where(_draft_of(draft, pid)))
            if actor is not None:
                _audit(conn, actor, "save_consultation", pid, rec.decision.value)
        return int(new_id[0])

    def _saved_under(self, key: str) -> Consultation | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(consultations)
                .join(save_keys, save_keys.c.consultation_id == consultations.c.id)
                .where(save_keys.c.key == key)
            ).first()
        return None if row is None else Consultation(**row._mapping)

    @_plain_errors
    def consultations(self, pid: str) -> list[Consultation]:
        """A patient's consultations in the order of their visits (then of recording)."""
        with self.engine.connect() as conn:
            self._require(conn, pid)
            rows = conn.execute(
                sa.select(consultations)
                .where(consultations.c.patient_id == pid)
                .order_by(
                    consultations.c.visit_date, consultations.c.recorded_at, consultations.c.id
                )
            ).all()
        return [Consultation(**row._mapping) for row in rows]

    @_plain_errors
    def consultation(self, cid: int) -> Consultation:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(consultations).where(consultations.c.id == cid)).first()
        if row is None:
            raise NotFound(f"no consultation {cid}")
        return Consultation(**row._mapping)

    # --- referrals ---------------------------------------------------------------------

    @_plain_errors
    def referrals(self, pid: str) -> list[Referral]:
        """A patient's referrals, oldest first, each with every status it has had."""
        with self.engine.connect() as conn:
            self._require(conn, pid)
            return _referrals(conn, referrals.c.patient_id == pid)

    @_plain_errors
    def update_referral(
        self, pid: str, rid: int, update: ReferralUpdate, actor: str | None = None
    ) -> Referral:
        """Record a referral's new status (made, seen with its outcome, declined, lost to
        follow-up); the statuses before it are kept."""
        with self._writer.begin() as conn:
            self._require(conn, pid)
            self._update_referral(conn, pid, rid, update, now())
            if actor is not None:
                _audit(conn, actor, "referral_status", pid, update.status)
            return _referrals(conn, referrals.c.id == rid)[0]

    def _update_referral(
        self, conn: Connection, pid: str, rid: int, update: ReferralUpdate, at: str
    ) -> None:
        row = conn.execute(
            sa.select(referrals.c.advised_on).where(
                (referrals.c.id == rid) & (referrals.c.patient_id == pid)
            )
        ).first()
        if row is None:
            raise NotFound(f"no referral {rid} in {pid}'s record")
        if update.on < row.advised_on:
            raise StoreError(
                f"referral status date: {update.on} is before the referral was advised "
                f"({row.advised_on})"
            )
        conn.execute(
            referral_updates.insert().values(
                referral_id=rid,
                status=update.status,
                on_date=update.on,
                note=update.note,
                recorded_at=at,
            )
        )

    # --- printouts --------------------------------------------------------------------

    @_plain_errors
    def record_print(
        self, cid: int, kind: str, options: dict[str, Any], actor: str | None = None
    ) -> Printout:
        """Note that a handout, summary or letter was printed from a saved consultation,
        with the options it used; a reprint uses the first print's options."""
        printed = now()
        with self._writer.begin() as conn:
            found = conn.execute(
                sa.select(consultations.c.patient_id).where(consultations.c.id == cid)
            ).first()
            if found is None:
                raise NotFound(f"no consultation {cid}")
            conn.execute(
                printouts.insert().values(
                    consultation_id=cid, kind=kind, options=options, printed_at=printed
                )
            )
            if actor is not None:
                _audit(conn, actor, "print", found.patient_id, kind)
        return Printout(kind, options, printed)

    @_plain_errors
    def printouts(self, cid: int) -> list[Printout]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(printouts)
                .where(printouts.c.consultation_id == cid)
                .order_by(printouts.c.printed_at, printouts.c.id)
            ).all()
        return [Printout(r.kind, r.options, r.printed_at) for r in rows]

    # --- drafts -------------------------------------------------------------------------

    @_plain_errors
    def save_draft(
        self, token: str, pid: str | None, form: dict[str, Any], kept_at: str | None = None
    ) -> str:
        """Keep the consultation being typed (one per browser and patient); return its time.
        `kept_at` is when this tab last kept it: a draft kept since by another tab of the
        same browser is not overwritten (`Conflict`), and this tab's form stays as typed."""
        at = now()
        with self._writer.begin() as conn:
            if pid is not None:
                self._require(conn, pid)  # never a draft for a patient who has been deleted
            if kept_at is not None:
                held = conn.execute(
                    sa.select(drafts.c.updated_at).where(_draft_of(token, pid))
                ).scalar()
                if held is not None and held != kept_at:
                    raise Conflict(
                        "another tab of this browser changed this consultation since this tab "
                        "last kept it; what this tab holds stays on its screen and was not "
                        "kept over it. Close one of the two tabs, and keep typing in the other"
                    )
            conn.execute(drafts.delete().where(_draft_of(token, pid)))
            conn.execute(
                drafts.insert().values(token=token, patient_id=pid or "", form=form, updated_at=at)
            )
        return at

    @_plain_errors
    def open_elsewhere(self, pid: str, token: str) -> list[tuple[str, str | None]]:
        """Other browsers' unsaved consultations for `pid`: when each was last typed in,
        and the clinician its browser remembers (None when it remembers none)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(drafts.c.updated_at, browsers.c.clinician)
                .outerjoin(browsers, browsers.c.token == drafts.c.token)
                .where((drafts.c.patient_id == pid) & (drafts.c.token != token))
                .order_by(drafts.c.updated_at.desc())
            ).all()
        return [(r.updated_at, r.clinician) for r in rows]

    @_plain_errors
    def draft(self, token: str, pid: str | None) -> Draft | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(drafts).where(_draft_of(token, pid))).first()
        return None if row is None else _draft(row)

    @_plain_errors
    def drafts(self, token: str) -> list[Draft]:
        """A browser's unsaved consultations, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(drafts)
                .where(drafts.c.token == token)
                .order_by(drafts.c.updated_at.desc())
            ).all()
        return [_draft(r) for r in rows]

    @_plain_errors
    def discard_draft(self, token: str, pid: str | None) -> None:
        with self._writer.begin() as conn:
            conn.execute(drafts.delete().where(_draft_of(token, pid)))

    @_plain_errors
    def move_draft(self, token: str, pid: str) -> bool:
        """Give the draft typed before a patient was open to that patient (when they have
        none of their own in this browser); return whether it moved."""
        with self._writer.begin() as conn:
            if conn.execute(sa.select(drafts).where(_draft_of(token, pid))).first() is not None:
                return False
            moved = conn.execute(
                drafts.update()
                .where(_draft_of(token, None))
                .values(patient_id=pid, updated_at=now())
            )
        return bool(moved.rowcount)

    @_plain_errors
    def clinician(self, token: str) -> str | None:
        """The clinician's name or initials this browser last used."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(browsers.c.clinician).where(browsers.c.token == token)
            ).scalar()

    @_plain_errors
    def remember_clinician(self, token: str, name: str | None) -> None:
        with self._writer.begin() as conn:
            conn.execute(browsers.delete().where(browsers.c.token == token))
            conn.execute(browsers.insert().values(token=token, clinician=name, seen_at=now()))

    # --- people, roles and the audit trail ------------------------------------------------

    @_plain_errors
    def sign_in(
        self,
        identity: str,
        name: str | None,
        first_administrator: str | None,
        subject: str | None = None,
    ) -> User:
        """Note who signed in and return them with their roles. A person is the identity
        provider's account (`subject`: its issuer and subject): once bound, that account is
        the same person whatever e-mail it carries later (the record keeps the e-mail it
        first signed in with as their name in the record), and another account carrying a
        known person's e-mail is refused (`StoreError`, audited), so it never inherits
        their roles. The first administrator named in the
        configuration is given that role on first sign-in while nobody holds it; everyone
        else starts with no role until one is granted."""
        identity = identity.strip().lower()
        refused: str | None = None
        with self._writer.begin() as conn:
            bound = None if subject is None else _person_of(conn, subject)
            if bound is not None:  # the account, whatever e-mail it now carries
                identity = bound
            known = conn.execute(
                sa.select(users.c.identity, users.c.subject).where(users.c.identity == identity)
            ).first()
            if known is not None and subject is not None and known.subject not in (None, subject):
                refused = (
                    f"{identity} signed in before from another account of the identity "
                    "provider; this account is not that person"
                )
                # Only the refusal is written: the transaction commits this row alone.
                _audit(conn, identity, "refused_sign_in", None, "another account")
            elif known is None:
                conn.execute(
                    users.insert().values(
                        identity=identity, name=(name or None), first_seen=now(), subject=subject
                    )
                )
            else:
                changes: dict[str, str] = {"subject": subject} if subject else {}
                if name:
                    changes["name"] = name
                if changes:
                    conn.execute(
                        users.update().where(users.c.identity == identity).values(**changes)
                    )
            if refused is None:
                self._grant_first_administrator(conn, identity, first_administrator)
                _audit(conn, identity, "sign_in")
        if refused is not None:
            raise StoreError(refused)
        return self.user(identity)

    @_plain_errors
    def person(self, subject: str) -> str | None:
        """The record's name (first e-mail) of the person bound to an identity provider's
        account (its issuer and subject), or None before that account's first sign-in."""
        with self.engine.connect() as conn:
            return _person_of(conn, subject)

    def _grant_first_administrator(
        self, conn: Connection, identity: str, first_administrator: str | None
    ) -> None:
        """The administrator named in the configuration gets that role on first sign-in,
        while nobody holds it."""
        if first_administrator and identity == first_administrator.strip().lower():
            held = conn.execute(
                sa.select(user_roles.c.identity).where(user_roles.c.role == "administrator")
            ).first()
            if held is None:
                conn.execute(
                    user_roles.insert().values(
                        identity=identity,
                        role="administrator",
                        granted_by="configuration",
                        granted_at=now(),
                    )
                )
                _audit(conn, "configuration", "grant_role", None, f"{identity}: administrator")

    @_plain_errors
    def end_sessions(self, identity: str, actor: str) -> None:
        """End every session `identity` has begun until now (at sign-out, or an
        administrator's act): a copied sign-in cookie opens nothing afterwards."""
        identity = identity.strip().lower()
        with self._writer.begin() as conn:
            done = conn.execute(
                users.update().where(users.c.identity == identity).values(valid_from=now())
            )
            if not done.rowcount:
                raise NotFound(f"nobody has signed in as {identity}")
            conn.execute(sessions.delete().where(sessions.c.identity == identity))
            _audit(conn, actor, "end_sessions", None, identity)

    @_plain_errors
    def seen(self, identity: str, issued: str, at: str) -> str | None:
        """Note activity `at` in the session `identity` began at `issued`; return its
        activity before this (None for a session not seen before)."""
        identity = identity.strip().lower()
        where = (sessions.c.identity == identity) & (sessions.c.issued == issued)
        with self._writer.begin() as conn:
            before = conn.execute(sa.select(sessions.c.last_seen).where(where)).scalar()
            if before is None:
                conn.execute(
                    sessions.insert().values(identity=identity, issued=issued, last_seen=at)
                )
            else:
                conn.execute(sessions.update().where(where).values(last_seen=at))
        return before

    @_plain_errors
    def user(self, identity: str) -> User:
        """One person and the roles they hold."""
        identity = identity.strip().lower()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.identity == identity)).first()
            if row is None:
                raise NotFound(f"nobody has signed in as {identity}")
            roles = conn.execute(
                sa.select(user_roles.c.role).where(user_roles.c.identity == identity)
            ).scalars()
            return User(row.identity, row.name, row.first_seen, frozenset(roles), row.valid_from)

    @_plain_errors
    def users(self) -> list[User]:
        """Everyone who has signed in, with their roles, by e-mail."""
        with self.engine.connect() as conn:
            held: dict[str, set[str]] = {}
            for identity, role in conn.execute(sa.select(user_roles.c.identity, user_roles.c.role)):
                held.setdefault(identity, set()).add(role)
            rows = conn.execute(sa.select(users).order_by(users.c.identity)).all()
        return [
            User(r.identity, r.name, r.first_seen, frozenset(held.get(r.identity, ())))
            for r in rows
        ]

    @_plain_errors
    def set_roles(self, identity: str, roles: set[str], by: str) -> User:
        """Give someone exactly these roles (an administrator's act, audited). The last
        administrator cannot be left without anyone holding that role."""
        from ..server.access import Role

        unknown = sorted(roles - {r.value for r in Role})
        if unknown:
            raise StoreError(f"roles: {', '.join(unknown)} is not a role")
        identity = identity.strip().lower()
        with self._writer.begin() as conn:
            if (
                conn.execute(
                    sa.select(users.c.identity).where(users.c.identity == identity)
                ).first()
                is None
            ):
                raise NotFound(f"nobody has signed in as {identity}")
            before = set(
                conn.execute(
                    sa.select(user_roles.c.role).where(user_roles.c.identity == identity)
                ).scalars()
            )
            if "administrator" in before - roles:
                others = conn.execute(
                    sa.select(sa.func.count()).where(
                        (user_roles.c.role == "administrator") & (user_roles.c.identity != identity)
                    )
                ).scalar()
                if not others:
                    raise StoreError(
                        "roles: the clinic needs at least one administrator; grant the role to "
                        "someone else first"
                    )
            for role in sorted(before - roles):
                conn.execute(
                    user_roles.delete().where(
                        (user_roles.c.identity == identity) & (user_roles.c.role == role)
                    )
                )
                _audit(conn, by, "revoke_role", None, f"{identity}: {role}")
            for role in sorted(roles - before):
                conn.execute(
                    user_roles.insert().values(
                        identity=identity, role=role, granted_by=by, granted_at=now()
                    )
                )
                _audit(conn, by, "grant_role", None, f"{identity}: {role}")
        return self.user(identity)

    @_plain_errors
    def audit(
        self, actor: str, action: str, patient: str | None = None, detail: str | None = None
    ) -> None:
        """Add one row to the audit trail: who, what, when, which patient (the pseudonym)."""
        with self._writer.begin() as conn:
            _audit(conn, actor, action, patient, detail)

    @_plain_errors
    def audit_trail(
        self, patient: str | None = None, actor: str | None = None, limit: int | None = None
    ) -> list[AuditRow]:
        """The audit trail, newest first; for one patient or one person if asked."""
        query = sa.select(audit).order_by(audit.c.id.desc())
        if patient:
            query = query.where(audit.c.patient == patient)
        if actor:
            query = query.where(audit.c.actor == actor.strip().lower())
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [
                AuditRow(r.id, r.at, r.actor, r.action, r.patient, r.detail)
                for r in conn.execute(query)
            ]

    @_plain_errors
    def verify_audit(self) -> tuple[int, int, list[str]]:
        """Check the audit trail's chain: the rows it covers, the rows from before it, and
        every break found (a row changed, removed or inserted out of turn)."""
        problems: list[str] = []
        covered = legacy = 0
        before: str | None = None
        with self.engine.connect() as conn:
            for r in conn.execute(sa.select(audit).order_by(audit.c.id)):
                if r.hash is None:
                    if covered:
                        problems.append(f"row {r.id} has no hash inside the chain")
                    legacy += 1
                    continue
                expected = chain_hash(before, r._asdict())
                if r.hash != expected:
                    problems.append(
                        f"row {r.id} ({r.at[:19]}, {r.action}) does not follow the row before "
                        "it: it, or one before it, was changed or removed"
                    )
                before = r.hash
                covered += 1
        return covered, legacy, problems

    # --- clinic settings ---------------------------------------------------------------

    def today(self, at: str | None = None) -> date:
        """The clinic's day now (or at the stored moment `at`), in its time zone."""
        from ..clinic import today

        return today(self.settings().zone, at)

    @_plain_errors
    def settings(self) -> ClinicSettings:
        """The clinic's settings; a setting never saved keeps its default."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(setting_rows.c.key, setting_rows.c.value)).all()
        return ClinicSettings.from_json({str(key): value for key, value in rows})

    @_plain_errors
    def save_settings(
        self, values: dict[str, str], actor: str | None = None, shown: Any = UNCHECKED
    ) -> ClinicSettings:
        """Set some of the clinic's settings, all or none: any problem writes nothing.
        `shown` is each changed setting as the page showed it: one changed meanwhile by
        someone else is not overwritten (`Conflict` says what it is now and who)."""
        current = self.settings().to_json()
        merged = {**current, **values}
        problems = settings_errors(merged)
        if problems:
            raise StoreError("; ".join(error_lines(problems)) + ".")
        if shown is not UNCHECKED:
            moved = [
                k
                for k, v in values.items()
                if current.get(k) != shown.get(k) and current.get(k) != v
            ]
            if moved:
                raise Conflict(self._settings_changed(moved, current))
        with self._writer.begin() as conn:
            for key, value in values.items():
                conn.execute(setting_rows.delete().where(setting_rows.c.key == key))
                conn.execute(setting_rows.insert().values(key=key, value=value, updated_at=now()))
            if actor is not None:
                _audit(conn, actor, "settings", None, ", ".join(sorted(values)))
        return ClinicSettings.from_json(merged)

    def _settings_changed(self, keys: list[str], current: dict[str, str]) -> str:
        from ..clinic import SETTING_LABELS, clock

        with self.engine.connect() as conn:
            last = conn.execute(
                sa.select(audit.c.actor, audit.c.at)
                .where(audit.c.action == "settings")
                .order_by(audit.c.id.desc())
            ).first()
        who = "" if last is None else f" by {last.actor}, {clock(last.at, self.settings().zone)}"
        now_held = "; ".join(
            f"{SETTING_LABELS.get(k, k)} is now “{current.get(k, '')}”" for k in keys
        )
        return (
            f"changed since this page showed it{who}: {now_held}. Nothing was saved; save "
            "again to replace it"
        )

    # --- diary -------------------------------------------------------------------------

    @_plain_errors
    def set_diary(
        self, pid: str, week: DiaryWeek, actor: str | None = None, shown: Any = UNCHECKED
    ) -> None:
        """Record (or correct) what the patient reports for one week. `shown` is the week
        as the page showed it (None: not there yet): when the record holds something else
        now, another person saved it meanwhile, and `Conflict` says what and who."""
        from pydantic import ValidationError

        from ..core.validation import field_errors, in_words
        from .transfer import DiaryIn

        try:
            DiaryIn.model_validate(
                {
                    "week_start": week.week_start,
                    "walks": week.walks,
                    "minutes": week.minutes,
                    "worst_pain": week.worst_pain,
                }
            )
        except ValidationError as exc:
            raise StoreError(
                "; ".join(
                    in_words(DIARY_LABELS[e.field], e.message) for e in field_errors(exc, DiaryIn)
                )
            ) from None
        with self._writer.begin() as conn:
            self._require(conn, pid)
            before = self._week(conn, pid, week.week_start)
            if shown is not UNCHECKED and before != shown and before != week:
                raise Conflict(_changed_meanwhile(conn, pid, week.week_start, before))
            if before is not None:
                if before == week:
                    return
                _delete_week(conn, pid, week.week_start)
                conn.execute(
                    diary_changes.insert().values(
                        patient_id=pid,
                        week_start=week.week_start,
                        change="corrected",
                        before=_counts(before),
                        after=_counts(week),
                        changed_at=now(),
                    )
                )
            conn.execute(diary.insert().values(patient_id=pid, **_week_out(week)))
            if actor is not None:
                _audit(conn, actor, "save_diary", pid, f"week of {week.week_start}")

    @_plain_errors
    def remove_diary(self, pid: str, week_start: str, actor: str | None = None) -> None:
        """Remove one diary week; what it held is kept in the record of changes."""
        with self._writer.begin() as conn:
            self._require(conn, pid)
            before = self._week(conn, pid, week_start)
            if before is None:
                raise NotFound(f"no diary week starting {week_start} for {pid}")
            _delete_week(conn, pid, week_start)
            conn.execute(
                diary_changes.insert().values(
                    patient_id=pid,
                    week_start=week_start,
                    change="removed",
                    before=_counts(before),
                    after=None,
                    changed_at=now(),
                )
            )
            if actor is not None:
                _audit(conn, actor, "remove_diary", pid, f"week of {week_start}")

    @_plain_errors
    def diary_changes(self, pid: str) -> list[DiaryChange]:
        """Every correction and removal of a diary week, oldest first."""
        with self.engine.connect() as conn:
            self._require(conn, pid)
            rows = conn.execute(
                sa.select(diary_changes)
                .where(diary_changes.c.patient_id == pid)
                .order_by(diary_changes.c.changed_at, diary_changes.c.id)
            ).all()
        return [DiaryChange(r.week_start, r.change, r.before, r.after, r.changed_at) for r in rows]

    def _week(self, conn: Connection, pid: str, week_start: str) -> DiaryWeek | None:
        row = conn.execute(
            sa.select(diary).where((diary.c.patient_id == pid) & (diary.c.week_start == week_start))
        ).first()
        return (
            None
            if row is None
            else DiaryWeek(row.week_start, row.walks, row.minutes, row.worst_pain)
        )

    @_plain_errors
    def diary(self, pid: str) -> list[DiaryWeek]:
        with self.engine.connect() as conn:
            self._require(conn, pid)
            rows = conn.execute(
                sa.select(diary).where(diary.c.patient_id == pid).order_by(diary.c.week_start)
            ).all()
        return [DiaryWeek(r.week_start, r.walks, r.minutes, r.worst_pain) for r in rows]

    # --- discharge and follow-up -----------------------------------------------------------

    @_plain_errors
    def discharge(
        self,
        pid: str,
        day: date,
        reason: str,
        actor: str | None = None,
        today: date | None = None,
    ) -> Episode:
        """End the patient's episode of care. The dose they leave on is the last visit's;
        who saw them and their previous episodes are read from the episode's visits.
        Refused by field, with nothing saved, when anything is wrong."""
        today = today or self.today()
        with self._writer.begin() as conn:
            self._require(conn, pid)
            visits = conn.execute(
                sa.select(consultations)
                .where(consultations.c.patient_id == pid)
                .order_by(consultations.c.visit_date, consultations.c.recorded_at)
            ).all()
            last = conn.execute(
                sa.select(sa.func.max(discharges.c.day)).where(discharges.c.patient_id == pid)
            ).scalar_one()
            last_day = None if last is None else date.fromisoformat(last)
            days = [date.fromisoformat(v.visit_date) for v in visits]
            errors = discharge_problems(day, reason, days, last_day, today)
            if errors:
                raise StoreError("Not saved: " + _in_words(errors))
            episode = [
                v for v, d in zip(visits, days, strict=True) if last_day is None or d > last_day
            ]
            first, final = episode[0], episode[-1]
            dose = prescribed(final.recommendation)
            previous = first.assessment.get("previous_episodes")
            clinician = final.clinician_id or (final.details or {}).get("clinician") or None
            conn.execute(
                discharges.insert().values(
                    patient_id=pid,
                    day=day.isoformat(),
                    reason=reason,
                    walks=None if dose is None else dose[0],
                    minutes=None if dose is None else dose[1],
                    clinician=clinician,
                    many_episodes=None if previous is None else previous > MANY_EPISODES,
                    recorded_at=now(),
                )
            )
            _follow_up(conn, pid)
            if actor is not None:
                _audit(conn, actor, "discharge", pid, reason)
            return _episodes(conn, discharges.c.patient_id == pid)[-1]

    @_plain_errors
    def episodes(self, pid: str) -> list[Episode]:
        """The patient's ended episodes, oldest first, each with its check-ins."""
        with self.engine.connect() as conn:
            self._require(conn, pid)
            return _episodes(conn, discharges.c.patient_id == pid)

    @_plain_errors
    def record_check_in(
        self,
        pid: str,
        entry: CheckIn,
        actor: str | None = None,
        replace: bool = False,
        today: date | None = None,
    ) -> Episode:
        """Keep one month's check-in for the patient's latest discharge (`replace` corrects
        a month already kept). Refused by field, with nothing saved, when anything is
        wrong."""
        today = today or self.today()
        with self._writer.begin() as conn:
            self._require(conn, pid)
            ended = _episodes(conn, discharges.c.patient_id == pid)
            if not ended:
                raise StoreError(
                    f"Not saved: {pid} has not been discharged; a check-in follows discharge"
                )
            episode = ended[-1]
            earlier = [c for c in episode.check_ins if not (replace and c.month == entry.month)]
            if replace and len(earlier) == len(episode.check_ins):
                raise StoreError(f"Not saved: month {entry.month} has no check-in to correct")
            errors = problems(episode.discharge, entry, earlier, today)
            if errors:
                raise StoreError("Not saved: " + _in_words(errors))
            if replace:
                conn.execute(
                    check_ins.delete().where(
                        (check_ins.c.discharge_id == episode.id)
                        & (check_ins.c.month == entry.month)
                    )
                )
            conn.execute(
                check_ins.insert().values(
                    discharge_id=episode.id, recorded_at=now(), **_check_in_row(entry)
                )
            )
            _follow_up(conn, pid)
            if actor is not None:
                action = "correct_check_in" if replace else "check_in"
                _audit(conn, actor, action, pid, f"month {entry.month}")
            return _episodes(conn, discharges.c.id == episode.id)[0]

    @_plain_errors
    def import_check_ins(
        self,
        rows: Sequence[Line],
        actor: str | None = None,
        today: date | None = None,
    ) -> int:
        """Keep check-ins read from a file (`checkins.read_check_ins`) for each patient's
        latest discharge. All or nothing: when any line is wrong, nothing is
        written and `ImportError_` names every line (capped)."""
        today = today or self.today()
        errors: list[FieldError] = []
        with self._writer.begin() as conn:
            pids = sorted({row.patient for row in rows})
            latest: dict[str, Episode] = {}
            for e in _episodes(conn, discharges.c.patient_id.in_(pids)):
                latest[e.patient_id] = e  # in day order: the last is the latest
            known = set(
                conn.execute(sa.select(patients.c.id).where(patients.c.id.in_(pids))).scalars()
            )
            kept: dict[str, list[CheckIn]] = {p: list(e.check_ins) for p, e in latest.items()}
            for line, pid, entry, discharged in rows:
                where = f"line {line}"
                if pid not in known:
                    errors.append(FieldError(f"{where}: patient", f"no patient {pid}"))
                elif pid not in latest:
                    errors.append(FieldError(f"{where}: patient", f"{pid} has not been discharged"))
                elif discharged is not None and discharged != latest[pid].discharge.day:
                    latest_day = latest[pid].discharge.day.isoformat()
                    errors.append(
                        FieldError(
                            f"{where}: discharged", f"{pid}'s latest discharge, {latest_day}"
                        )
                    )
                else:
                    found = problems(latest[pid].discharge, entry, kept[pid], today)
                    errors += [
                        FieldError(f"{where}: {FIELD_LABELS.get(k, k)}", v)
                        for k, v in found.items()
                    ]
                    if not found:
                        kept[pid].append(entry)
                if len(errors) >= MAX_FILE_ERRORS:
                    errors.append(
                        FieldError(where, "checking stopped here; fix these and import again")
                    )
                    break
            if errors:
                raise ImportError_(errors)
            if rows:
                conn.execute(
                    check_ins.insert(),
                    [
                        {
                            "discharge_id": latest[pid].id,
                            "recorded_at": now(),
                            **_check_in_row(entry),
                        }
                        for _, pid, entry, _ in rows
                    ],
                )
            for pid in pids:
                _follow_up(conn, pid)
            if actor is not None:
                for pid in pids:
                    count = sum(1 for row in rows if row.patient == pid)
                    _audit(conn, actor, "import_check_ins", pid, f"{count} check-ins")
        return len(rows)

    @_plain_errors
    def all_episodes(self) -> list[Episode]:
        """Every ended episode of every patient, with its check-ins (for the exports)."""
        with self.engine.connect() as conn:
            return _episodes(conn, sa.true())

    @_plain_errors
    def follow_ups_due(
        self, today: date | None = None, limit: int | None = None, offset: int = 0
    ) -> list[DueFollowUp]:
        """Every check-in due by a week from `today` on each patient's latest discharge,
        oldest first; `limit` patients from the `offset`-th (every check-in of each).
        Follow-up ends at the first activity-limiting recurrence.

        Read by the index on the day each patient's next check-in falls due, kept on their
        row, so the list costs what it shows, not the size of the record."""
        today = today or self.today()
        with self.engine.connect() as conn:
            who = (
                sa.select(patients.c.id, patients.c.label)
                .where(_follow_up_due(today))
                .order_by(patients.c.follow_up_from, patients.c.id)
                .limit(limit)
                .offset(offset)
            )
            labels = {r.id: r.label for r in conn.execute(who)}
            newest = (
                sa.select(discharges.c.patient_id, sa.func.max(discharges.c.day).label("day"))
                .where(discharges.c.patient_id.in_(list(labels)))
                .group_by(discharges.c.patient_id)
                .subquery()
            )
            latest_ids = sa.select(discharges.c.id).join(
                newest,
                (discharges.c.patient_id == newest.c.patient_id)
                & (discharges.c.day == newest.c.day),
            )
            ended = _episodes(conn, discharges.c.id.in_(latest_ids)) if labels else []
        out = [
            DueFollowUp(e.patient_id, labels.get(e.patient_id), month, day, e.discharge.day)
            for e in ended
            for month, day in e.due(today)
        ]
        return sorted(out, key=lambda d: (d.day, d.patient_id))

    @_plain_errors
    def count_follow_ups_due(self, today: date | None = None) -> int:
        """How many patients have a check-in due by a week from `today`."""
        today = today or self.today()
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(patients).where(_follow_up_due(today))
                ).scalar_one()
            )

    @_plain_errors
    def cohort(self) -> list[Member]:
        """Each discharged patient once, from their first discharge, for the outcome curve."""
        with self.engine.connect() as conn:
            first = (
                sa.select(discharges.c.patient_id, sa.func.min(discharges.c.day).label("day"))
                .group_by(discharges.c.patient_id)
                .subquery()
            )
            first_ids = sa.select(discharges.c.id).join(
                first,
                (discharges.c.patient_id == first.c.patient_id) & (discharges.c.day == first.c.day),
            )
            ended = _episodes(conn, discharges.c.id.in_(first_ids))
        return [
            Member(
                e.patient_id,
                e.discharge.day,
                e.clinician,
                e.many_episodes,
                e.target_reached,
                e.outcome,
            )
            for e in ended
        ]

    # --- function measures ---------------------------------------------------------------

    @_plain_errors
    def record_psfs(
        self, pid: str, entry: Psfs, actor: str | None = None, today: date | None = None
    ) -> list[Psfs]:
        """Keep one rating of the Patient-Specific Functional Scale; refused by field, with
        nothing saved, when anything is wrong. Returns every rating, oldest first."""
        today = today or self.today()
        with self._writer.begin() as conn:
            self._require(conn, pid)
            earlier = self._ratings(conn, pid)
            errors = psfs_problems(entry, earlier, today)
            if errors:
                said = "; ".join(
                    f"{PSFS_LABELS.get(k, k.capitalize())}: {v}" for k, v in errors.items()
                )
                raise StoreError("Not saved: " + said)
            conn.execute(
                measures.insert().values(
                    patient_id=pid,
                    instrument="psfs",
                    day=entry.day.isoformat(),
                    taken_at=entry.when,
                    items=_measure_out(entry)["items"],
                    recorded_at=now(),
                )
            )
            if actor is not None:
                _audit(conn, actor, "record_measure", pid, f"PSFS {entry.day.isoformat()}")
            return self._ratings(conn, pid)

    @_plain_errors
    def psfs(self, pid: str) -> list[Psfs]:
        """The patient's ratings of the Patient-Specific Functional Scale, oldest first."""
        with self.engine.connect() as conn:
            self._require(conn, pid)
            return self._ratings(conn, pid)

    def _ratings(self, conn: Connection, pid: str) -> list[Psfs]:
        rows = conn.execute(
            sa.select(measures)
            .where((measures.c.patient_id == pid) & (measures.c.instrument == "psfs"))
            .order_by(measures.c.day)
        ).all()
        return [_psfs(r) for r in rows]

    # --- export and import -------------------------------------------------------------

    @_plain_errors
    def export(self, pid: str) -> dict[str, Any]:
        """One patient's whole record as a JSON-ready dict (see `transfer.PatientFile`)."""
        p = self.patient(pid)
        visits = self.consultations(pid)
        return _patient_file(
            p,
            [_visit_out(c, self.printouts(c.id)) for c in visits],
            [_week_out(w) for w in self.diary(pid)],
            [_change_out(c) for c in self.diary_changes(pid)],
            _followed(self.referrals(pid), {c.id: c.recorded_at for c in visits}),
            [_episode_out(e) for e in self.episodes(pid)],
            [_measure_out(m) for m in self.psfs(pid)],
        )

    def export_all(self, batch: int | None = None) -> Iterator[dict[str, Any]]:
        """Every patient's record, one dict each, in ID order (a JSON Lines backup).

        Read `batch` patients at a time, each table once per batch, within one read
        transaction (a consistent snapshot on PostgreSQL): a backup of thousands of
        patients stays quick, and its memory does not grow with the record's size.
        """
        batch = batch or EXPORT_BATCH
        try:
            with self.engine.connect() as base:
                conn = (
                    base.execution_options(isolation_level="REPEATABLE READ")
                    if base.dialect.name == "postgresql"
                    else base
                )
                with conn.begin():
                    after = ""
                    while True:
                        people = conn.execute(
                            sa.select(patients)
                            .where(patients.c.id > after)
                            .order_by(patients.c.id)
                            .limit(batch)
                        ).all()
                        if not people:
                            return
                        yield from _export_batch(conn, people)
                        after = people[-1].id
        except sa.exc.DBAPIError as exc:
            raise _plain(exc, describe_url(self.url)) from None

    def import_file(
        self,
        raw: bytes,
        replace: bool = False,
        actor: str | None = None,
        newer: Collection[str] = (),
    ) -> list[str]:
        """Import one patient file or a JSON Lines backup; return the IDs imported.

        Every record is validated first; if any is bad, or an ID exists and `replace` is
        not given, nothing is written and `ImportError_` lists every problem. Replacing a
        patient whose record holds a consultation newer than the file's newest is refused
        too, unless the patient is named in `newer`: an older export never deletes later
        visits without a word.
        """
        files = parse_import(raw)
        return self.import_records(files, replace, actor, newer)

    @_plain_errors
    def import_records(
        self,
        files: Sequence[PatientFile],
        replace: bool = False,
        actor: str | None = None,
        newer: Collection[str] = (),
    ) -> list[str]:
        ids = [f.patient.id for f in files]
        twice = sorted(pid for pid, n in Counter(ids).items() if n > 1)
        if twice:
            again = "appears more than once in the file"
            raise ImportError_([FieldError("patient.id", f"{pid} {again}") for pid in twice])
        with self._writer.begin() as conn:
            existing, refused = _refusals(conn, ids, files, replace, newer)
            if refused:
                raise ImportError_(refused)
            _write_files(conn, files, existing, actor)
        return ids

    @_plain_errors
    def import_backup(
        self,
        source: BinaryIO,
        replace: bool = False,
        actor: str | None = None,
        newer: Collection[str] = (),
    ) -> list[str]:
        """`import_file` for a JSON Lines backup of any size, read a line at a time.

        All or nothing as `import_file` is: every patient is checked first
        (`check_backup`), then read again and written a batch at a time in one
        transaction, each batch checked against the record as a file is. Any refusal
        (an existing patient without `replace`, newer consultations) is collected over
        the whole file and undoes what was written.
        """
        check_backup(source)
        source.seek(0)
        ids: list[str] = []
        refused: list[FieldError] = []
        with self._writer.begin() as conn:
            for files in backup_batches(source):
                names = [f.patient.id for f in files]
                existing, found = _refusals(conn, names, files, replace, newer)
                refused += found
                if not refused:
                    _write_files(conn, files, existing, actor)
                ids += names
                if len(refused) >= MAX_FILE_ERRORS:
                    refused.append(
                        FieldError("patient.id", "checking stopped here; fix these first")
                    )
                    break
            if refused:
                raise ImportError_(refused)  # the transaction is undone
        return ids

    # --- checks ----------------------------------------------------------------------------

    @_plain_errors
    def integrity(self) -> list[str]:
        """Problems found by the database's own check and by counting orphans (empty: sound)."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
                if result != ["ok"]:
                    problems += result
            for table in (consultations, diary, discharges):
                orphans = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(~table.c.patient_id.in_(sa.select(patients.c.id)))
                ).scalar_one()
                if orphans:
                    problems.append(f"{orphans} {table.name} rows without a patient")
        return problems

    def _require(self, conn: Connection, pid: str) -> None:
        if conn.execute(sa.select(patients.c.id).where(patients.c.id == pid)).first() is None:
            raise NotFound(f"no patient {pid}")
