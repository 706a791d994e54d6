"""Stored search vectors for the site search (citydiplo/search.py) over pledges, PostgreSQL only.

0003 indexed the weighted tsvector *expression*: the index found the matches, but ranking them
rebuilt the vector from the text of every matching row (seconds for a common word over 100,000
pledges). The vector is now a stored generated column, ``search_vector``, kept inline
(STORAGE MAIN) so reading it costs no TOAST lookup, with a GIN index; ``search_names`` holds the
title alone, so the search can take records whose title matches first. The indexes cover
published pledges only, the only ones the search looks for. Neither column is a model field:
Django never writes them, PostgreSQL computes them on every insert and update.

The expressions must stay identical to ``_Kind.vector()`` and ``_Kind.names_vector()`` in
citydiplo/search.py (tests/citydiplo/test_search_plan.py compares them row by row). The SQL is
run through RunPython so that it runs on PostgreSQL only, as in 0003; SQLite has no tsvector.
"""

from django.db import migrations

CONFIG = "simple"
# table: (index prefix, [(fields, weight), ...], rows indexed) -- names weigh A, other
# names B, the rest D.
TABLES = {
    # The public sees published pledges only: the indexes hold nothing else. Without the
    # condition the planner may AND the moderation state's index into the bitmap (thousands of
    # rows read to keep 100).
    "pledges_pledge": (
        "pledge",
        [(("title",), "A"), (("description", "actor_text"), "D")],
        "moderation_state = 'published'",
    ),
}


def tsvector(parts):
    """What django.contrib.postgres's SearchVector(*fields, weight=w, config=CONFIG) renders."""
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, "
        + " || ' ' || ".join(f"COALESCE({field}, '')" for field in fields)
        + f"), '{weight}')"
        for fields, weight in parts
    )


def forward_sql(table, prefix, parts, where):
    names = [(fields, weight) for fields, weight in parts if weight in "AB"]
    columns = [f"ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({tsvector(parts)}) STORED"]
    if names != parts:
        columns.append(
            f"ADD COLUMN search_names tsvector GENERATED ALWAYS AS ({tsvector(names)}) STORED"
        )
    # One ALTER TABLE: the single rewrite it does already stores the vectors inline.
    columns.append("ALTER COLUMN search_vector SET STORAGE MAIN")
    yield f"DROP INDEX IF EXISTS {prefix}_search_gin"
    yield f"ALTER TABLE {table} " + ", ".join(columns)
    # No pending list (fastupdate): a search would read all of it, every time, until VACUUM.
    gin = "WITH (fastupdate = off)" + (f" WHERE {where}" if where else "")
    yield f"CREATE INDEX {prefix}_search_vector_gin ON {table} USING gin (search_vector) {gin}"
    if names != parts:
        yield f"CREATE INDEX {prefix}_search_names_gin ON {table} USING gin (search_names) {gin}"


def backward_sql(table, prefix, parts, where):
    yield f"DROP INDEX IF EXISTS {prefix}_search_names_gin"
    yield f"DROP INDEX IF EXISTS {prefix}_search_vector_gin"
    yield (
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_names, "
        "DROP COLUMN IF EXISTS search_vector"
    )
    yield f"CREATE INDEX IF NOT EXISTS {prefix}_search_gin ON {table} USING gin (({tsvector(parts)}))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, spec in TABLES.items():
            for sql in forward_sql(table, *spec):
                schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table, spec in TABLES.items():
            for sql in backward_sql(table, *spec):
                schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0006_moderators_group")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
