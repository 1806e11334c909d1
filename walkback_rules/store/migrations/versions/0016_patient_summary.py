"""Each patient's list row kept on the patient: the number of consultations, the last
visit's date, decision and review date and when it was written up. Kept in the same
transaction as every write of a consultation (save, correction, import; a deletion takes
the row with it), so the Patients list and `walkback patients list` read a page of
patients in SQL instead of grouping every consultation on every run. Filled here for
existing records.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = ("visits", "last_visit", "last_decision", "last_review", "last_recorded")

# The last consultation: the latest visit, then the latest written up (as the list had it).
_LAST = (
    "(SELECT c.{field} FROM consultations c WHERE c.patient_id = patients.id "
    "ORDER BY c.visit_date DESC, c.recorded_at DESC, c.id DESC LIMIT 1)"
)


def upgrade() -> None:
    # Plain ADD COLUMNs: rebuilding the patients table would cascade to its consultations.
    op.add_column("patients", sa.Column("visits", sa.Integer, nullable=False, server_default="0"))
    op.add_column("patients", sa.Column("last_visit", sa.String(10), nullable=True))
    op.add_column("patients", sa.Column("last_decision", sa.String(32), nullable=True))
    op.add_column("patients", sa.Column("last_review", sa.String(10), nullable=True))
    op.add_column("patients", sa.Column("last_recorded", sa.String(32), nullable=True))
    op.execute(
        "UPDATE patients SET "
        "visits = (SELECT count(*) FROM consultations c WHERE c.patient_id = patients.id), "
        f"last_visit = {_LAST.format(field='visit_date')}, "
        f"last_decision = {_LAST.format(field='decision')}, "
        f"last_review = {_LAST.format(field='review_date')}, "
        f"last_recorded = {_LAST.format(field='recorded_at')}"
    )
    op.create_index("ix_patients_listed", "patients", ["last_visit", "last_recorded", "id"])
    op.create_index("ix_patients_created", "patients", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_patients_created", "patients")
    op.drop_index("ix_patients_listed", "patients")
    for column in reversed(COLUMNS):
        op.drop_column("patients", column)
