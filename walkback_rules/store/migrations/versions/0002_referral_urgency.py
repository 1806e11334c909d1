"""Ruleset 2.0: each consultation keeps its referral's urgency beside its decision.

Records made under ruleset 1.0 stay exactly as recorded: the new column is filled from the
urgency each one already stored in its recommendation, never by deciding again.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("referral_urgency", sa.String(16), nullable=True))
    consultations = sa.table(
        "consultations",
        sa.column("id", sa.Integer),
        sa.column("recommendation", sa.JSON),
        sa.column("referral_urgency", sa.String(16)),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(consultations.c.id, consultations.c.recommendation)).all()
    for row in rows:
        referral = (row.recommendation or {}).get("referral")
        if referral:
            conn.execute(
                consultations.update()
                .where(consultations.c.id == row.id)
                .values(referral_urgency=referral["urgency"])
            )


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("referral_urgency")
