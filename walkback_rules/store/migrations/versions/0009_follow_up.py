"""Discharge and the recurrence follow-up after it: one row per episode's end, one per
month's check-in. New tables only, so every existing record stays an open episode.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discharges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "patient_id",
            sa.String(8),
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            nullable=False,
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
    op.create_index("ix_discharges_patient_id", "discharges", ["patient_id"])
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "discharge_id",
            sa.Integer,
            sa.ForeignKey("discharges.id", ondelete="CASCADE"),
            nullable=False,
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
    op.create_index("ix_check_ins_discharge_id", "check_ins", ["discharge_id"])


def downgrade() -> None:
    op.drop_index("ix_check_ins_discharge_id", "check_ins")
    op.drop_table("check_ins")
    op.drop_index("ix_discharges_patient_id", "discharges")
    op.drop_table("discharges")
