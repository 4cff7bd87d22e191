"""Devices (ConfirmDevice and the device operations).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column(
            "pool_id",
            sa.String(55),
            sa.ForeignKey("user_pools.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("device_key", sa.String(64), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "device_key", name="pk_devices"),
        sa.ForeignKeyConstraint(
            ["pool_id", "sub"],
            ["users.pool_id", "users.sub"],
            ondelete="CASCADE",
            name="fk_devices_user",
        ),
    )
    op.create_index("ix_devices_user", "devices", ["pool_id", "sub", "device_key"])


def downgrade() -> None:
    op.drop_table("devices")
