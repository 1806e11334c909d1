"""Each patient's next open check-in kept on their row: the day the earliest check-in not
yet recorded on their latest discharge falls due, or null when none is open (not
discharged, all twelve recorded, or follow-up ended at a recurrence). Kept in the same
transaction as every discharge, check-in and import, so the follow-ups due are read by an
index instead of reading every discharged patient's check-ins on every Patients page.
Filled here for existing records, with the product's own rule (`followup.first_open`).

Revision ID: 0017
Revises: 0016
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

from walkback_rules.outcomes.followup import first_open_day

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("patients", sa.Column("follow_up_from", sa.String(10), nullable=True))
    op.create_index("ix_patients_follow_up", "patients", ["follow_up_from", "id"])
    conn = op.get_bind()
    latest = conn.execute(
        sa.text(
            "SELECT d.id, d.patient_id, d.day FROM discharges d WHERE d.day = "
            "(SELECT max(e.day) FROM discharges e WHERE e.patient_id = d.patient_id)"
        )
    ).all()
    for discharge_id, pid, day in latest:
        entries = conn.execute(
            sa.text(
                "SELECT month, answered, pain, limited FROM check_ins WHERE discharge_id = :id"
            ),
            {"id": discharge_id},
        ).all()
        recorded = {e.month for e in entries}
        recurrence = any(e.answered and e.pain and e.limited for e in entries)
        opens = first_open_day(date.fromisoformat(day), recorded, recurrence)
        conn.execute(
            sa.text("UPDATE patients SET follow_up_from = :day WHERE id = :id"),
            {"day": None if opens is None else opens.isoformat(), "id": pid},
        )


def downgrade() -> None:
    op.drop_index("ix_patients_follow_up", "patients")
    op.drop_column("patients", "follow_up_from")
