"""Ruleset 2.1: a consultation names a ruleset this product has released.

Records made under rulesets 1.0 and 2.0 stay exactly as recorded: no row is read, decided
again or rewritten. The record itself now refuses a consultation that names any other
ruleset (1.0, 2.0 or 2.1), so an older record can never be relabelled by mistake.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# As `core.codes.RELEASED_RULESETS` stood when this migration was written.
_RELEASED = ("1.0", "2.0", "2.1")
_CHECK = "ruleset_version IN (" + ", ".join(f"'{v}'" for v in _RELEASED) + ")"


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.create_check_constraint("ck_consultations_released_ruleset", _CHECK)


def downgrade() -> None:
    with op.batch_alter_table("consultations") as batch:
        batch.drop_constraint("ck_consultations_released_ruleset", type_="check")
