"""The API's pledge list is served in index order on PostgreSQL: page 1 and a page deep down
read only their rows (no sort of every published pledge)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.pledges.factories import PledgeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        # The table is tiny here, so the planner would rightly scan it: forbidding that asks
        # whether the index can serve the query's order at all (else a Sort node appears).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


API_ORDER = 'COALESCE("pledges_pledge"."made_on"'


def listing_sql_api(client, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return next(q["sql"] for q in queries if API_ORDER in q["sql"] and "LIMIT" in q["sql"])


def test_api_pages_follow_the_index(client) -> None:
    PledgeFactory.create_batch(5)
    PledgeFactory.create_batch(2, made_on=None, made_on_precision="")
    first = client.get("/api/v1/pledges/?page_size=2").json()
    deep = first["next"].split("testserver", 1)[1]
    for url in ("/api/v1/pledges/?page_size=2", deep):
        plan = plan_of(listing_sql_api(client, url))
        assert "pledge_api_order_idx" in plan, plan
        assert "Sort" not in plan, plan
    # the cursor's bound on the key is an index condition, not a filter over earlier rows
    assert "Index Cond: (COALESCE(made_on" in plan_of(listing_sql_api(client, deep))
