"""A second press of Save stores nothing twice: each decided consultation carries a key,
kept beside the consultation it saved (a new table; older consultations have none). The
app's role is granted its part after every migration (`repo._migrate`).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "save_keys",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column(
            "consultation_id",
            sa.Integer,
            sa.ForeignKey("consultations.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("save_keys")
