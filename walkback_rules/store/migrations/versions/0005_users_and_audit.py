"""Sign-in for a clinic server: people and their roles, an append-only audit trail, and the
signed-in identity of whoever saved each consultation.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The audit trail is only ever added to: the database itself refuses a change or a removal.
_SQLITE_GUARDS = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
_PG_GUARDS = (
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("identity", sa.String(254), primary_key=True),  # the e-mail signed in with
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("first_seen", sa.String(32), nullable=False),
    )
    op.create_table(
        "user_roles",
        sa.Column(
            "identity",
            sa.String(254),
            sa.ForeignKey("users.identity", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("granted_by", sa.String(254), nullable=False),
        sa.Column("granted_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False, index=True),
        sa.Column("actor", sa.String(254), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("patient", sa.String(8), nullable=True, index=True),  # a pseudonym only
        sa.Column("detail", sa.String(200), nullable=True),
    )
    guards = _PG_GUARDS if op.get_bind().dialect.name == "postgresql" else _SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)
    with op.batch_alter_table("consultations") as batch:
        batch.add_column(sa.Column("clinician_id", sa.String(254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("clinician_id")
    op.drop_table("audit")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    op.drop_table("user_roles")
    op.drop_table("users")
