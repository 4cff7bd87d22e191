"""``userpool serve`` and ``userpool migrate``."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from userpool import config
from userpool.config import LOOPBACK_HOSTS, Settings
from userpool.crypto import generate_key_text, load_server_key
from userpool.store import migrate as migrations
from userpool.store.engine import is_sqlite, make_engine

_common = [
    click.option("--db", help="Database URL (sqlite:///path or postgresql://…)."),
    click.option(
        "--config",
        "config_file",
        type=click.Path(exists=True, dir_okay=False),
        help="TOML settings file (also USERPOOL_CONFIG).",
    ),
]


def _with_common(fn: Any) -> Any:
    for option in reversed(_common):
        fn = option(fn)
    return fn


@click.group()
@click.version_option(package_name="userpool")
def main() -> None:
    """userpool: Amazon Cognito user pools, self-hosted."""


@main.command()
@_with_common
@click.option("--host", help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 9229).")
@click.option("--workers", type=int, help="Worker processes (default 1).")
@click.option("--region", help="Default region (default us-east-1).")
@click.option("--account-id", help="Account id in ARNs (default 123456789012).")
@click.option("--issuer-base", help="Base of the tokens' iss; may contain {region}.")
@click.option(
    "--credentials",
    type=click.Path(exists=True, dir_okay=False),
    help="File of ACCESS_KEY_ID:SECRET lines; enables SigV4 checks.",
)
@click.option(
    "--insecure-open",
    is_flag=True,
    default=None,
    help="Allow a non-loopback bind without credentials (anyone may call anything).",
)
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--server-key", help="Base64 key for secrets at rest (required on PostgreSQL).")
@click.option("--smtp-host", help="SMTP server for email (without it: outbox only).")
@click.option("--smtp-port", type=int, help="SMTP port (default 25).")
@click.option("--smtp-username", help="SMTP user name.")
@click.option("--smtp-password", help="SMTP password (prefer USERPOOL_SMTP_PASSWORD).")
@click.option("--smtp-tls", type=click.Choice(["none", "starttls", "tls"]), help="SMTP TLS mode.")
@click.option("--sms-sender", type=click.Choice(["log", "webhook", "sns"]),
              help="How SMS leave: log (outbox only), webhook, or the SNS API.")
@click.option("--sms-webhook-url", help="URL SMS are POSTed to (--sms-sender webhook).")
@click.option("--sns-endpoint", help="SNS API endpoint (--sms-sender sns).")
@click.option("--kdf-memory-kib", type=int, help="argon2id memory (default 19456 KiB).")
@click.option("--kdf-time-cost", type=int, help="argon2id passes (default 2).")
@click.option("--functions", help="Folder of Lambda handlers run by the built-in runtime.")
@click.option("--lambda-endpoint", help="Lambda Invoke API for other functions (AWS, SAM local).")
@click.option("--kms-endpoint", help="KMS endpoint for the custom sender triggers.")
def serve(config_file: str | None, **flags: Any) -> None:
    """Serve the cognito-idp API."""
    settings = config.load(flags, config_file)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    if settings.host not in LOOPBACK_HOSTS and settings.open_mode and not settings.insecure_open:
        raise click.UsageError(
            f"refusing to bind {settings.host} with no credentials configured: anyone could call "
            "every operation. Configure --credentials (or USERPOOL_CREDENTIALS), or pass "
            "--insecure-open if that is really what you want."
        )
    if settings.functions and not Path(settings.functions).is_dir():
        raise click.UsageError(f"--functions: {settings.functions} is not a folder")
    _prepare_schema(settings)
    _run(settings)


@main.command()
def genkey() -> None:
    """Print a new server key (for --server-key / USERPOOL_SERVER_KEY)."""
    click.echo(generate_key_text())


@main.command()
@_with_common
def migrate(config_file: str | None, **flags: Any) -> None:
    """Apply the schema migrations to the database."""
    settings = config.load(flags, config_file)
    engine = make_engine(settings.db)
    migrations.upgrade(engine)
    click.echo(f"schema at revision {migrations.current(engine)}")
    engine.dispose()


def _prepare_schema(settings: Settings) -> None:
    """Migrate SQLite (and create its server key on first start); check PostgreSQL."""
    try:
        load_server_key(settings.db, settings.server_key, create=True)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    engine = make_engine(settings.db)
    try:
        if is_sqlite(settings.db):
            migrations.upgrade(engine)
        elif not migrations.is_current(engine):
            raise click.ClickException(
                f"the database schema is at revision {migrations.current(engine)}, this version "
                f"needs {migrations.head()}: run `userpool migrate --db <URL>` first."
            )
    finally:
        engine.dispose()


def _run(settings: Settings) -> None:
    import uvicorn

    from userpool.app import SETTINGS_ENV

    os.environ[SETTINGS_ENV] = settings.to_env()
    where = f"http://{settings.host}:{settings.port}"
    mode = "open development mode (no credentials)" if settings.open_mode else "SigV4 required"
    print(f"userpool serving {where} on {_redacted(settings.db)}; {mode}", file=sys.stderr)
    uvicorn.run(
        "userpool.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=False,
        timeout_graceful_shutdown=10,
    )


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command()
@_with_common
@click.option("--pool", "pool_id", help="Only this user pool's messages.")
@click.option("--to", "to", help="Only messages to this address or phone number (any case).")
@click.option("--json", "as_json", is_flag=True, help="Print {\"Messages\": [...]} as JSON.")
def messages(
    config_file: str | None,
    pool_id: str | None,
    to: str | None,
    as_json: bool,
    **flags: Any,
) -> None:
    """Print the outbox: the email and SMS sent (codes, links, invitations), oldest first."""
    import json

    from sqlalchemy.exc import SQLAlchemyError

    from userpool.store import Store
    from userpool.web.outbox import format_messages, list_messages

    settings = config.load(flags, config_file)
    store = Store(make_engine(settings.db))
    try:
        found = list_messages(store, pool_id, to)
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"cannot read the outbox of {_redacted(settings.db)}: {type(exc).__name__} "
            "(is the schema migrated? `userpool migrate`)"
        ) from None
    finally:
        store.dispose()
    click.echo(json.dumps({"Messages": found}, indent=2) if as_json else format_messages(found))


@main.command("import")
@_with_common
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--pool", "pool_id", required=True, help="The user pool to import into.")
def import_users(config_file: str | None, csv_file: str, pool_id: str, **flags: Any) -> None:
    """Import users from a CSV file (GetCSVHeader's columns) straight into the database.

    The same rules as an import job (users are RESET_REQUIRED; existing users are skipped), with
    no 500,000-user limit. Prints the counters and the lines of skipped and failed rows."""
    from userpool.imports import runner
    from userpool.imports.csvfile import HeaderError
    from userpool.store import Store

    settings = config.load(flags, config_file)
    store = Store(make_engine(settings.db))
    try:
        with store.reader() as tx:
            pool = tx.get_pool(pool_id)
        if pool is None:
            raise click.ClickException(f"User pool {pool_id} does not exist.")
        with open(csv_file, "rb") as raw:
            rows = max(sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b"")), 1)
        with (
            open(csv_file, encoding="utf-8-sig", newline="") as text,
            click.progressbar(length=rows - 1, label="Importing users", file=sys.stderr) as bar,
        ):
            counts = runner.import_file(store, pool, text, bar.update)
    except (HeaderError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.dispose()
    lines = counts.log()
    for line in lines[:100]:
        click.echo(line, err=True)
    if len(lines) > 100:
        click.echo(f"… and {len(lines) - 100} more skipped or failed rows", err=True)
    click.echo(
        f"ImportedUsers: {counts.imported}\nSkippedUsers: {counts.skipped}\n"
        f"FailedUsers: {counts.failed}"
    )
