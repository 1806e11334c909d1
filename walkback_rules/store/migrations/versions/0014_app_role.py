"""Two database roles on PostgreSQL: the record's owner migrates, the app runs as
`walkback_app`, which may read and write the record and add to the audit trail but never
change, remove or empty it, nor alter the table or switch its guard off (it owns nothing).

Where no role `walkback_app` exists (a single-role install, or SQLite) nothing changes.
`walkback admin migrate` grants again after every later migration.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

from walkback_rules.store.repo import grant_app_role

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    grant_app_role(op.get_bind())


def downgrade() -> None:
    pass  # the grants stay: taking them away would stop the app, not restore anything
