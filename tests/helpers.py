"""Shared test helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction


def assert_db_rejects(factory: Callable[..., object], **kwargs: object) -> None:
    """The database itself refuses the row: no Python validation runs on this path."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


# --- PostgreSQL beside the test database (restores, replicas): same server, same credentials ---


def pg_connect(dbname: str):
    """A psycopg2 connection to another database on the test database's server."""
    import psycopg2

    default = connection.settings_dict
    return psycopg2.connect(
        dbname=dbname,
        host=default["HOST"] or "127.0.0.1",
        port=default["PORT"] or 5432,
        user=default["USER"],
        password=default["PASSWORD"],
    )


def pg_url(dbname: str) -> str:
    """A DATABASE_URL for another database on the test database's server."""
    default = connection.settings_dict
    password = f":{default['PASSWORD']}" if default["PASSWORD"] else ""
    host, port = default["HOST"] or "127.0.0.1", default["PORT"] or 5432
    return f"postgres://{default['USER']}{password}@{host}:{port}/{dbname}"


def pg_admin(*statements: str) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) on the server's postgres db."""
    admin = pg_connect("postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        admin.close()
