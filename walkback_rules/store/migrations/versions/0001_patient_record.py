"""The patient record: patients, consultations and the walking diary.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.String(8), primary_key=True),
        sa.Column("label", sa.String(60), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "patient_id",
            sa.String(8),
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("ruleset_version", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("assessment", sa.JSON, nullable=False),
        sa.Column("recommendation", sa.JSON, nullable=False),
    )
    op.create_index("ix_consultations_patient_id", "consultations", ["patient_id"])
    op.create_table(
        "diary",
        sa.Column(
            "patient_id",
            sa.String(8),
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("week_start", sa.String(10), primary_key=True),
        sa.Column("walks", sa.Integer, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("worst_pain", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("diary")
    op.drop_index("ix_consultations_patient_id", "consultations")
    op.drop_table("consultations")
    op.drop_table("patients")
