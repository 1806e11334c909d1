"""The consultation as a clinical record: visit date, details, next review; drafts that
survive a refresh or a restart; what was printed; every diary correction.

Consultations saved before this keep everything they had. Their visit date is the day
they were recorded, and their details are empty (null): the record never invents which
screens were done or who saw the person.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("visit_date", sa.String(10), nullable=True))
        batch.add_column(sa.Column("review_date", sa.String(10), nullable=True))
        batch.add_column(sa.Column("details", sa.JSON, nullable=True))
    consultations = sa.table(
        "consultations",
        sa.column("recorded_at", sa.String(32)),
        sa.column("visit_date", sa.String(10)),
    )
    op.execute(
        consultations.update().values(visit_date=sa.func.substr(consultations.c.recorded_at, 1, 10))
    )
    with op.batch_alter_table("consultations") as batch:
        batch.alter_column("visit_date", existing_type=sa.String(10), nullable=False)
    op.create_table(
        "drafts",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("patient_id", sa.String(8), primary_key=True),  # "" before a patient is open
        sa.Column("form", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "browsers",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("clinician", sa.String(60), nullable=True),
        sa.Column("seen_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "printouts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "consultation_id",
            sa.Integer,
            sa.ForeignKey("consultations.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("printed_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "diary_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "patient_id",
            sa.String(8),
            sa.ForeignKey("patients.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("week_start", sa.String(10), nullable=False),
        sa.Column("change", sa.String(16), nullable=False),  # corrected or removed
        sa.Column("before", sa.JSON, nullable=False),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("changed_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("diary_changes")
    op.drop_table("printouts")
    op.drop_table("browsers")
    op.drop_table("drafts")
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("details")
        batch.drop_column("review_date")
        batch.drop_column("visit_date")
