"""Initial schema: user pools, pool resources, domains.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "user_pools",
        sa.Column("id", sa.String(55), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("user_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_user_pools_region_created", "user_pools", ["region", "created_at", "id"])
    op.create_table(
        "pool_resources",
        sa.Column(
            "pool_id",
            sa.String(55),
            sa.ForeignKey("user_pools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(2048), nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "kind", "key", name="pk_pool_resources"),
    )
    op.create_index("ix_pool_resources_kind_key", "pool_resources", ["kind", "key"])
    op.create_table(
        "domains",
        sa.Column("domain", sa.String(263), primary_key=True),
        sa.Column(
            "pool_id",
            sa.String(55),
            sa.ForeignKey("user_pools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("slot", sa.String(8), nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ux_domains_pool_slot", "domains", ["pool_id", "slot"], unique=True)


def downgrade() -> None:
    op.drop_table("domains")
    op.drop_table("pool_resources")
    op.drop_table("user_pools")
