"""Tokens: per-pool signing keys and token families (revocation, refresh-token rotation).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

Key = sa.String(2048).with_variant(sa.String(2048, collation="C"), "postgresql")


def _pool_id() -> sa.Column:
    return sa.Column(
        "pool_id", sa.String(55), sa.ForeignKey("user_pools.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        _pool_id(),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("public_jwk", sa.Text, nullable=False),
        sa.Column("private_key", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "purpose", "generation", name="pk_signing_keys"),
    )
    op.create_table(
        "token_families",
        sa.Column("origin_jti", sa.String(64), primary_key=True),
        _pool_id(),
        sa.Column("username_key", Key, nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("device_key", sa.String(128)),
        sa.Column("auth_time", sa.Float, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.Column("refresh_jti", sa.String(64), nullable=False),
        sa.Column("previous_jti", sa.String(64)),
        sa.Column("previous_until", sa.Float),
    )
    op.create_index("ix_token_families_user", "token_families", ["pool_id", "sub"])


def downgrade() -> None:
    op.drop_index("ix_token_families_user", table_name="token_families")
    op.drop_table("token_families")
    op.drop_table("signing_keys")
