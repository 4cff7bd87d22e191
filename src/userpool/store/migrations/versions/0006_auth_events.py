"""Sign-in events (AdminListUserAuthEvents and the auth event feedback operations).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "auth_events",
        sa.Column(
            "pool_id",
            sa.String(55),
            sa.ForeignKey("user_pools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "event_id", name="pk_auth_events"),
        sa.ForeignKeyConstraint(
            ["pool_id", "sub"],
            ["users.pool_id", "users.sub"],
            ondelete="CASCADE",
            name="fk_auth_events_user",
        ),
    )
    op.create_index(
        "ix_auth_events_user", "auth_events", ["pool_id", "sub", "created_at", "event_id"]
    )


def downgrade() -> None:
    op.drop_table("auth_events")
