"""Referrals followed: each referral is an item with a follow-up date and its statuses.

Every consultation already recorded with a referral gets its item, advised on its visit
date, as the record then stood: nothing about what became of it is guessed.

Revision ID: 0006
Revises: 0005
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# As `consultation.referrals.FOLLOW_UP_DAYS` stood when this migration was written.
_FOLLOW_UP_DAYS = {"emergency": 1, "same_day": 1, "urgent": 7}


def upgrade() -> None:
    referrals = op.create_table(
        "referrals",
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
    updates = op.create_table(
        "referral_updates",
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
    conn = op.get_bind()
    consultations = sa.table(
        "consultations",
        sa.column("id", sa.Integer),
        sa.column("patient_id", sa.String),
        sa.column("recorded_at", sa.String),
        sa.column("visit_date", sa.String),
        sa.column("referral_urgency", sa.String),
        sa.column("recommendation", sa.JSON),
    )
    rows = conn.execute(
        sa.select(consultations)
        .where(consultations.c.referral_urgency.is_not(None))
        .order_by(consultations.c.id)
    ).all()
    for row in rows:
        advised = date.fromisoformat(row.visit_date)
        days = _FOLLOW_UP_DAYS.get(row.referral_urgency)
        referral = (row.recommendation or {}).get("referral") or {}
        inserted = conn.execute(
            referrals.insert().values(
                patient_id=row.patient_id,
                consultation_id=row.id,
                urgency=row.referral_urgency,
                conditions=list(referral.get("conditions") or []),
                advised_on=row.visit_date,
                follow_up=None if days is None else (advised + timedelta(days=days)).isoformat(),
            )
        ).inserted_primary_key
        assert inserted is not None
        new_id = inserted[0]
        conn.execute(
            updates.insert().values(
                referral_id=new_id,
                status="advised",
                on_date=row.visit_date,
                recorded_at=row.recorded_at,
            )
        )


def downgrade() -> None:
    op.drop_table("referral_updates")
    op.drop_table("referrals")
