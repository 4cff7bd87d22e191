"""Schema migrations (Alembic, shipped inside the package)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

_SCRIPTS = str(Path(__file__).with_name("migrations"))


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", _SCRIPTS)
    return config


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def is_current(engine: Engine) -> bool:
    return current(engine) == head()
