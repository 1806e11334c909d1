"""A tamper-evident audit trail: each row carries a SHA-256 hash chained to the row before
it. Rows written before this migration have none; the chain starts at the first row after.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit", sa.Column("hash", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit", "hash")
