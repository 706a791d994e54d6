"""The raw-SQL baseline: the same rows an endpoint reads, without the ORM, DRF or templates.

Before the load runs, ``bench/run.py`` records the SQL each measured endpoint sends to the
database (the exact statements, with their parameters) and writes them to the file named by
``BENCH_BASELINE_SQL``. ``/_baseline/<name>`` replays those statements on a plain cursor,
makes each row a dict and answers with the rows serialised by orjson. It sits behind the same
server, middleware and transaction-per-request as the app, so the ratio app/baseline is what
the framework layers (query building, model instances, serializers, templates) cost on top
of fetching the data.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import orjson
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse


@cache
def statements() -> dict[str, list[str]]:
    path = os.environ.get("BENCH_BASELINE_SQL")
    return orjson.loads(Path(path).read_bytes()) if path else {}


def baseline(request: HttpRequest, name: str) -> HttpResponse:
    sql = statements().get(name)
    if sql is None:
        raise Http404(name)
    results = []
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)  # no parameters: the statement is sent as recorded
            columns = [column.name for column in cursor.description]
            results.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    return HttpResponse(orjson.dumps(results, default=str), content_type="application/json")
