"""Function measures (the Patient-Specific Functional Scale): one row per rating, its items
as answered. A new table only.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "patient_id",
            sa.String(8),
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("instrument", sa.String(16), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("taken_at", sa.String(16), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.UniqueConstraint("patient_id", "instrument", "day", name="uq_measures_patient_day"),
    )
    op.create_index("ix_measures_patient_id", "measures", ["patient_id"])


def downgrade() -> None:
    op.drop_index("ix_measures_patient_id", "measures")
    op.drop_table("measures")
