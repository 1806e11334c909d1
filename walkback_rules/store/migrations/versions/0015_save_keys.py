"""A second press of Save stores nothing twice: each decided consultation carries a key,
kept beside the consultation it saved (a new table; older consultations have none).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from walkback_rules.store.repo import grant_app_role

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
    grant_app_role(op.get_bind())


def downgrade() -> None:
    op.drop_table("save_keys")
