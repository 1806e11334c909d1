"""The patient record's tables (SQLAlchemy Core). Alembic migrations create and change them.

Times and dates are ISO 8601 text, so every database returns exactly what was written.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

patients = sa.Table(
    "patients",
    metadata,
    sa.Column("id", sa.String(8), primary_key=True),  # pseudonym, e.g. P-7K2QF9
    sa.Column("label", sa.String(60), nullable=True),  # the clinician's own, non-identifying
    sa.Column("created_at", sa.String(32), nullable=False),
    # The language of the patient's own sheets (`handouts.i18n.LANGUAGES`).
    sa.Column("language", sa.String(8), nullable=False, server_default="en"),
    # The list row, kept with every write of a consultation (migration 0016): how many,
    # and the last visit's date, decision, review date and when it was written up.
    sa.Column("visits", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_visit", sa.String(10), nullable=True),
    sa.Column("last_decision", sa.String(32), nullable=True),
    sa.Column("last_review", sa.String(10), nullable=True),
    sa.Column("last_recorded", sa.String(32), nullable=True),
    # The day the earliest open check-in of the latest discharge falls due (None: none open).
    sa.Column("follow_up_from", sa.String(10), nullable=True),
    sa.CheckConstraint("language IN ('en', 'es')", name="ck_patients_language"),
    sa.Index("ix_patients_listed", "last_visit", "last_recorded", "id"),
    sa.Index("ix_patients_created", "created_at"),
    sa.Index("ix_patients_follow_up", "follow_up_from", "id"),
)

consultations = sa.Table(
    "consultations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "patient_id",
        sa.String(8),
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("ruleset_version", sa.String(16), nullable=False),
    sa.Column("decision", sa.String(32), nullable=False),
    # The referral's urgency as recorded (null without a referral): for lists and exports.
    sa.Column("referral_urgency", sa.String(16), nullable=True),
    sa.Column("assessment", sa.JSON, nullable=False),
    sa.Column("recommendation", sa.JSON, nullable=False),
    # The day of the visit (earlier than recorded_at when written up later), the next
    # review date, and the visit's details (`visit.VisitDetails`; null for a consultation
    # saved before details were kept).
    sa.Column("visit_date", sa.String(10), nullable=False),
    sa.Column("review_date", sa.String(10), nullable=True),
    sa.Column("details", sa.JSON, nullable=True),
    # Who saved it, as signed in on a clinic server (null on one clinician's local tool).
    sa.Column("clinician_id", sa.String(254), nullable=True),
    # A consultation names a ruleset this product has released (migration 0007).
    sa.CheckConstraint(
        "ruleset_version IN ('1.0', '2.0', '2.1')", name="ck_consultations_released_ruleset"
    ),
)

diary = sa.Table(
    "diary",
    metadata,
    sa.Column(
        "patient_id",
        sa.String(8),
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("week_start", sa.String(10), primary_key=True),  # the Monday, YYYY-MM-DD
    sa.Column("walks", sa.Integer, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),  # minutes walked in the week
    sa.Column("worst_pain", sa.Integer, nullable=False),  # 0-10
)

# A consultation being typed, kept on every change: one per browser (its token) and patient.
drafts = sa.Table(
    "drafts",
    metadata,
    sa.Column("token", sa.String(32), primary_key=True),
    sa.Column("patient_id", sa.String(8), primary_key=True),  # "" before a patient is open
    sa.Column("form", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# What a browser remembers: the clinician's name or initials.
browsers = sa.Table(
    "browsers",
    metadata,
    sa.Column("token", sa.String(32), primary_key=True),
    sa.Column("clinician", sa.String(60), nullable=True),
    sa.Column("seen_at", sa.String(32), nullable=False),
)

# The clinic's settings (walkback_rules.clinic), one row each.
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# Each handout or summary printed from a saved consultation, with the options it used, so
# it can be printed again exactly.
printouts = sa.Table(
    "printouts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "consultation_id",
        sa.Integer,
        sa.ForeignKey("consultations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("options", sa.JSON, nullable=False),
    sa.Column("printed_at", sa.String(32), nullable=False),
)

# Every correction or removal of a diary week, with what it held before.
diary_changes = sa.Table(
    "diary_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "patient_id",
        sa.String(8),
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("week_start", sa.String(10), nullable=False),
    sa.Column("change", sa.String(16), nullable=False),  # corrected or removed
    sa.Column("before", sa.JSON, nullable=False),
    sa.Column("after", sa.JSON, nullable=True),
    sa.Column("changed_at", sa.String(32), nullable=False),
)

# Each referral the product gave, followed until it is closed (migration 0006).
referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "patient_id",
        sa.String(8),
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "consultation_id",
        sa.Integer,
        sa.ForeignKey("consultations.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    sa.Column("urgency", sa.String(16), nullable=False),
    sa.Column("conditions", sa.JSON, nullable=False),
    sa.Column("advised_on", sa.String(10), nullable=False),
    sa.Column("follow_up", sa.String(10), nullable=True),
)

# Every status a referral has had, in order: advised, made, seen (with its outcome),
# declined or lost to follow-up. Rows are added, never changed.
referral_updates = sa.Table(
    "referral_updates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "referral_id",
        sa.Integer,
        sa.ForeignKey("referrals.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("on_date", sa.String(10), nullable=False),
    sa.Column("note", sa.String(200), nullable=True),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)

# People who have signed in on a clinic server, by the e-mail their identity provider gives.
users = sa.Table(
    "users",
    metadata,
    sa.Column("identity", sa.String(254), primary_key=True),
    sa.Column("name", sa.String(120), nullable=True),
    sa.Column("first_seen", sa.String(32), nullable=False),
    # Sessions begun before this moment are ended: set at sign-out and when an
    # administrator ends someone's sessions (migration 0011).
    sa.Column("valid_from", sa.String(32), nullable=True),
    # The identity provider's issuer and subject this e-mail first signed in with: the
    # person is that account, never whoever else carries the same e-mail (migration 0012).
    sa.Column("subject", sa.String(512), nullable=True),
)

# Each signed-in session seen, by who and when its sign-in was issued, with its last
# activity: for the idle time-out (migration 0011).
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column(
        "identity",
        sa.String(254),
        sa.ForeignKey("users.identity", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("issued", sa.String(32), primary_key=True),
    sa.Column("last_seen", sa.String(32), nullable=False),
)

# Each decided consultation's save key beside the consultation it saved, so that a second
# press of Save is recognised and stores nothing twice (migration 0015).
save_keys = sa.Table(
    "save_keys",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column(
        "consultation_id",
        sa.Integer,
        sa.ForeignKey("consultations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

# The roles an administrator has granted (walkback_rules.server.access.Role), one row each.
user_roles = sa.Table(
    "user_roles",
    metadata,
    sa.Column(
        "identity",
        sa.String(254),
        sa.ForeignKey("users.identity", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("role", sa.String(16), primary_key=True),
    sa.Column("granted_by", sa.String(254), nullable=False),
    sa.Column("granted_at", sa.String(32), nullable=False),
)

# Who did what, when, to which patient (the pseudonym only, no clinical content). Only ever
# added to: the database refuses a change or a removal (migration 0005), and a patient's
# deletion leaves their rows.
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("actor", sa.String(254), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("patient", sa.String(8), nullable=True, index=True),
    sa.Column("detail", sa.String(200), nullable=True),
    # SHA-256 of this row chained to the row before it (migration 0013): a row changed or
    # removed by someone who can switch the database's guard off breaks the chain.
    sa.Column("hash", sa.String(64), nullable=True),
)

# Each episode's end (migration 0009): when and why, the dose the person left on (from the
# last visit's recommendation), who saw them and whether they had had more than two
# previous episodes (from the episode's first visit), so the outcome curve reads one table.
discharges = sa.Table(
    "discharges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "patient_id",
        sa.String(8),
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("reason", sa.String(16), nullable=False),
    sa.Column("walks", sa.Integer, nullable=True),
    sa.Column("minutes", sa.Integer, nullable=True),
    sa.Column("clinician", sa.String(254), nullable=True),
    sa.Column("many_episodes", sa.Boolean, nullable=True),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("patient_id", "day", name="uq_discharges_patient_day"),
)

# Each month's recurrence check-in after a discharge (`outcomes.followup.CheckIn`).
check_ins = sa.Table(
    "check_ins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "discharge_id",
        sa.Integer,
        sa.ForeignKey("discharges.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("month", sa.Integer, nullable=False),
    sa.Column("asked_on", sa.String(10), nullable=False),
    sa.Column("asked_by", sa.String(60), nullable=False),
    sa.Column("how", sa.String(16), nullable=False),
    sa.Column("answered", sa.Boolean, nullable=False),
    sa.Column("pain", sa.Boolean, nullable=True),
    sa.Column("limited", sa.Boolean, nullable=True),
    sa.Column("sought_care", sa.Boolean, nullable=True),
    sa.Column("began", sa.String(10), nullable=True),
    sa.Column("month_only", sa.Boolean, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("discharge_id", "month", name="uq_check_ins_discharge_month"),
)

# Each function measure taken (migration 0010): the instrument, the day, the point in the
# programme and its items as answered (the Patient-Specific Functional Scale: each
# activity named with its 0-10 score). Scores are computed from the items, never stored.
measures = sa.Table(
    "measures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "patient_id",
        sa.String(8),
        sa.ForeignKey("patients.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("instrument", sa.String(16), nullable=False),
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("taken_at", sa.String(16), nullable=False),  # first, review or discharge
    sa.Column("items", sa.JSON, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("patient_id", "instrument", "day", name="uq_measures_patient_day"),
)
