"""Alembic environment: migrations always run on a connection the store hands over."""

from __future__ import annotations

from alembic import context

from klantreis.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("klantreis migrations run through klantreis.store.migrate, not the CLI")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
