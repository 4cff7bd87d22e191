"""Alembic environment: the connection is handed in by ``userpool.store.migrate``."""

from alembic import context

from userpool.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can only ALTER through table copies
)
with context.begin_transaction():
    context.run_migrations()
