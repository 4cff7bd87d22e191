"""Every table, in one place. Documents are JSON text shaped like the AWS type they store."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

# One row per user pool; ``doc`` is the stored UserPoolType (see domain/pools.py).
user_pools = Table(
    "user_pools",
    metadata,
    Column("id", String(55), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("name", String(128), nullable=False),
    Column("doc", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("user_count", Integer, nullable=False, server_default="0"),
)
Index("ix_user_pools_region_created", user_pools.c.region, user_pools.c.created_at, user_pools.c.id)

# Everything that lives inside a pool and is addressed by (kind, key): app clients, groups,
# resource servers, identity providers, branding, terms, UI customizations, settings. The primary
# key makes names unique per pool and kind, so concurrent creates cannot duplicate.
pool_resources = Table(
    "pool_resources",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("key", String(2048), nullable=False),
    Column("doc", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    PrimaryKeyConstraint("pool_id", "kind", "key", name="pk_pool_resources"),
)
Index("ix_pool_resources_kind_key", pool_resources.c.kind, pool_resources.c.key)

# Hosted-UI domains are unique across the whole service, and a pool has at most one of each
# sort (prefix or custom): ``slot`` is "prefix" or "custom".
domains = Table(
    "domains",
    metadata,
    Column("domain", String(63 + 200), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("slot", String(8), nullable=False),
    Column("doc", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)
Index("ux_domains_pool_slot", domains.c.pool_id, domains.c.slot, unique=True)
