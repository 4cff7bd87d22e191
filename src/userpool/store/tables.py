"""Every table, in one place. Documents are JSON text shaped like the AWS type they store."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Byte-order comparison on both backends, so that prefix ranges (ListUsers ``^=``) are index
# ranges: SQLite compares bytes already; PostgreSQL needs the "C" collation.
Key = String(2048).with_variant(String(2048, collation="C"), "postgresql")

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

# -- users --------------------------------------------------------------------------------------
# ``username_key`` is the lookup form of the username (lowercased in case-insensitive pools);
# ``doc`` is the user as AdminGetUser shows it plus private keys; credentials live in their own
# columns: the argon2id hash, the SRP verifier encrypted with the server key, password history.
users = Table(
    "users",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("username_key", Key, nullable=False),
    Column("username", String(128), nullable=False),
    Column("sub", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
    Column("password_hash", Text),
    Column("srp", Text),
    Column("history", Text),
    PrimaryKeyConstraint("pool_id", "username_key", name="pk_users"),
    UniqueConstraint("pool_id", "sub", name="uq_users_sub"),
)

# The searchable attributes of every user (ListUsers filters), one row per (attribute, value):
# ``=`` is an index lookup and ``^=`` an index range, ordered by (value, username_key) so that
# pagination is a seek, not an offset.
user_index = Table(
    "user_index",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("attr", String(32), nullable=False),
    Column("value", Key, nullable=False),
    Column("username_key", Key, nullable=False),
    PrimaryKeyConstraint("pool_id", "attr", "value", "username_key", name="pk_user_index"),
)

# Sign-in names other than the username (aliases, and email/phone in UsernameAttributes pools):
# the primary key makes each one unique in its pool.
aliases = Table(
    "aliases",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", Key, nullable=False),
    Column("username_key", Key, nullable=False),
    PrimaryKeyConstraint("pool_id", "kind", "value", name="pk_aliases"),
)
Index("ix_aliases_user", aliases.c.pool_id, aliases.c.username_key)

group_members = Table(
    "group_members",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("group_name", Key, nullable=False),
    Column("username_key", Key, nullable=False),
    PrimaryKeyConstraint("pool_id", "group_name", "username_key", name="pk_group_members"),
)
Index("ix_group_members_user", group_members.c.pool_id, group_members.c.username_key,
      group_members.c.group_name)

# One-time codes (sign-up, password reset, attribute verification…), stored as keyed hashes.
codes = Table(
    "codes",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("username_key", Key, nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("code_hash", String(128), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("doc", Text, nullable=False),
    PrimaryKeyConstraint("pool_id", "username_key", "purpose", name="pk_codes"),
)

# Every message userpool sends (or tried to), readable by developers: GET /_userpool/messages.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pool_id", String(55), nullable=False),
    Column("medium", String(8), nullable=False),
    Column("destination", String(2048), nullable=False),
    Column("subject", Text),
    Column("body", Text, nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("sent_at", Float, nullable=False),
)
Index("ix_outbox_pool_dest", outbox.c.pool_id, outbox.c.destination, outbox.c.id)

# User import jobs and their uploaded CSV files (kept in the database so that every process and
# host can run or resume a job).
import_jobs = Table(
    "import_jobs",
    metadata,
    Column("job_id", String(55), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("heartbeat", Float),
    Column("doc", Text, nullable=False),
    Column("csv", LargeBinary),
)
Index("ix_import_jobs_pool", import_jobs.c.pool_id, import_jobs.c.created_at)

# -- tokens -------------------------------------------------------------------------------------
# Per-pool RSA keys: ``purpose`` "id" / "access" sign ID and access tokens (their public halves
# are the JWKS), "refresh" decrypts refresh tokens (never published). The newest ``generation``
# of a purpose signs; older ones stay for verification (rotation). The private key is PEM,
# encrypted with the server key. The primary key makes lazy creation race-safe.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("kid", String(64), nullable=False),
    Column("public_jwk", Text, nullable=False),
    Column("private_key", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    PrimaryKeyConstraint("pool_id", "purpose", "generation", name="pk_signing_keys"),
)

# One row per sign-in session ("token family"): every token issued from it carries its
# ``origin_jti``. Revoking the row revokes the refresh token and every ID/access token of the
# family. ``refresh_jti`` is the current refresh token's jti; with rotation, ``previous_jti``
# stays acceptable until ``previous_until`` (the client's grace period).
token_families = Table(
    "token_families",
    metadata,
    Column("origin_jti", String(64), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("username_key", Key, nullable=False),
    Column("sub", String(64), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("device_key", String(128)),
    Column("auth_time", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked", Boolean, nullable=False),
    Column("refresh_jti", String(64), nullable=False),
    Column("previous_jti", String(64)),
    Column("previous_until", Float),
)
Index("ix_token_families_user", token_families.c.pool_id, token_families.c.sub)

# Sign-in sessions between InitiateAuth and RespondToAuthChallenge: stored (so any process can
# continue them), keyed by a hash of the Session token, bound to pool, client, user and step.
auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("username_key", Key, nullable=False),
    Column("step", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
)
Index("ix_auth_sessions_expiry", auth_sessions.c.expires_at)

# -- devices ------------------------------------------------------------------------------------
# Confirmed (tracked) devices: ConfirmDevice inserts one; ``doc`` is the DeviceType plus private
# fields (remembered status, name, the device SRP salt and verifier encrypted with the server
# key, the device group key). Devices belong to a user by ``sub`` (a deleted-then-recreated
# username is a different user) and go with the user: the foreign key cascades.
devices = Table(
    "devices",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("device_key", String(64), nullable=False),
    Column("sub", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
    PrimaryKeyConstraint("pool_id", "device_key", name="pk_devices"),
    ForeignKeyConstraint(
        ["pool_id", "sub"], ["users.pool_id", "users.sub"], ondelete="CASCADE",
        name="fk_devices_user",
    ),
)
Index("ix_devices_user", devices.c.pool_id, devices.c.sub, devices.c.device_key)

# -- sign-in events -----------------------------------------------------------------------------
# One row per recorded sign-in attempt (pools with threat protection): ``doc`` is the
# AuthEventType. Owned by the user's ``sub`` and deleted with the user (the foreign key cascades).
auth_events = Table(
    "auth_events",
    metadata,
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("sub", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("doc", Text, nullable=False),
    PrimaryKeyConstraint("pool_id", "event_id", name="pk_auth_events"),
    ForeignKeyConstraint(
        ["pool_id", "sub"], ["users.pool_id", "users.sub"], ondelete="CASCADE",
        name="fk_auth_events_user",
    ),
)
Index(
    "ix_auth_events_user",
    auth_events.c.pool_id,
    auth_events.c.sub,
    auth_events.c.created_at,
    auth_events.c.event_id,
)
