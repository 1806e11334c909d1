"""Sessions that end: a moment before which a person's sessions are refused (set at
sign-out and by an administrator), and each session's last activity for the idle
time-out. A plain ADD COLUMN and a new table.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("valid_from", sa.String(32), nullable=True))
    op.create_table(
        "sessions",
        sa.Column(
            "identity",
            sa.String(254),
            sa.ForeignKey("users.identity", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("issued", sa.String(32), primary_key=True),
        sa.Column("last_seen", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sessions")
    op.drop_column("users", "valid_from")
