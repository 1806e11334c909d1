"""People are their identity provider's issuer and subject: the account an e-mail first
signed in with is kept, and another account carrying the same e-mail is refused. A plain
ADD COLUMN; people who signed in before are bound at their next sign-in.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("subject", sa.String(512), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "subject")
