"""The language of a patient's own sheets (handout, contacts slip): English unless set.

A plain ADD COLUMN, so SQLite keeps every row where it is (rebuilding the patients table
would run its consultations' ON DELETE CASCADE). PostgreSQL also gets a CHECK on the
value; on SQLite the record's own code checks it (`Store.set_language`, the import).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# As `handouts.i18n.LANGUAGES` stood when this migration was written.
_CHECK = "language IN ('en', 'es')"


def upgrade() -> None:
    op.add_column(
        "patients", sa.Column("language", sa.String(8), nullable=False, server_default="en")
    )
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint("ck_patients_language", "patients", _CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_patients_language", "patients", type_="check")
    op.drop_column("patients", "language")
