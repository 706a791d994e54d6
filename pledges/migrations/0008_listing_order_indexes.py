"""PostgreSQL indexes in the orders of the published pledge listings, so that a page, however
deep, reads only its own rows (bench/README.md has the figures).

- ``pledge_api_order_idx``: the API's order, ``MADE_KEY`` (the date made, unknown dates as the
  oldest) newest first, then the id. The keyset cursor's ``<=`` bound is a range of it.
- ``pledge_page_order_idx``: the HTML listing's order (date made newest first with unknown
  dates last, then the newest record, then the id).

Both are partial (published pledges only) and written exactly as the queries sort, NULLS LAST
included, which SQLite cannot index; hence RunPython here instead of ``Meta.indexes``.
"""

import datetime as dt

from django.db import migrations, models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

PUBLISHED = Q(moderation_state="published")


def indexes():
    made_key = Coalesce("made_on", Value(dt.date.min), output_field=models.DateField())
    yield models.Index(
        made_key.desc(nulls_last=True), F("id"), name="pledge_api_order_idx", condition=PUBLISHED
    )
    yield models.Index(
        F("made_on").desc(nulls_last=True),
        F("created_at").desc(),
        F("id"),
        name="pledge_page_order_idx",
        condition=PUBLISHED,
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in indexes():
            schema_editor.add_index(apps.get_model("pledges", "Pledge"), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in indexes():
            schema_editor.remove_index(apps.get_model("pledges", "Pledge"), index)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0007_search_vectors")]

    operations = [migrations.RunPython(create, drop)]
