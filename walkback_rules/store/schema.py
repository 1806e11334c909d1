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
