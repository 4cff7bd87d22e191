"""Users: users, searchable attributes, aliases, group members, codes, outbox, import jobs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

Key = sa.String(2048).with_variant(sa.String(2048, collation="C"), "postgresql")


def _pool_id() -> sa.Column:
    return sa.Column(
        "pool_id", sa.String(55), sa.ForeignKey("user_pools.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "users",
        _pool_id(),
        sa.Column("username_key", Key, nullable=False),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("sub", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("srp", sa.Text),
        sa.Column("history", sa.Text),
        sa.PrimaryKeyConstraint("pool_id", "username_key", name="pk_users"),
        sa.UniqueConstraint("pool_id", "sub", name="uq_users_sub"),
    )
    op.create_table(
        "user_index",
        _pool_id(),
        sa.Column("attr", sa.String(32), nullable=False),
        sa.Column("value", Key, nullable=False),
        sa.Column("username_key", Key, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "attr", "value", "username_key", name="pk_user_index"),
    )
    op.create_table(
        "aliases",
        _pool_id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", Key, nullable=False),
        sa.Column("username_key", Key, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "kind", "value", name="pk_aliases"),
    )
    op.create_index("ix_aliases_user", "aliases", ["pool_id", "username_key"])
    op.create_table(
        "group_members",
        _pool_id(),
        sa.Column("group_name", Key, nullable=False),
        sa.Column("username_key", Key, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "group_name", "username_key", name="pk_group_members"),
    )
    op.create_index(
        "ix_group_members_user", "group_members", ["pool_id", "username_key", "group_name"]
    )
    op.create_table(
        "codes",
        _pool_id(),
        sa.Column("username_key", Key, nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("doc", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("pool_id", "username_key", "purpose", name="pk_codes"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pool_id", sa.String(55), nullable=False),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("destination", sa.String(2048), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sent_at", sa.Float, nullable=False),
    )
    op.create_index("ix_outbox_pool_dest", "outbox", ["pool_id", "destination", "id"])
    op.create_table(
        "import_jobs",
        sa.Column("job_id", sa.String(55), primary_key=True),
        _pool_id(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("heartbeat", sa.Float),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("csv", sa.LargeBinary),
    )
    op.create_index("ix_import_jobs_pool", "import_jobs", ["pool_id", "created_at"])


def downgrade() -> None:
    for table in ("import_jobs", "outbox", "codes", "group_members", "aliases", "user_index",
                  "users"):
        op.drop_table(table)
