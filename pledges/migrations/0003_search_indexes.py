"""PostgreSQL GIN indexes for the site search (citydiplo/search.py) over pledges.

Each index is built on the same weighted tsvector expression the search query uses, so the
planner can use it; keep the two in step (tests/test_search.py checks the plans). They are made
here with RunPython rather than in Meta.indexes because SQLite cannot build them.
"""

from functools import reduce

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

APP = "pledges"
# index name: (model, [(fields, weight), ...]) -- names weigh A, other names B, the rest D.
INDEXES = {
    "pledge_search_gin": ("Pledge", [(("title",), "A"), (("description", "actor_text"), "D")]),
}


def indexes(apps):
    for name, (model_name, parts) in INDEXES.items():
        vectors = [SearchVector(*fields, weight=w, config="simple") for fields, w in parts]
        vector = reduce(lambda a, b: a + b, vectors)
        yield apps.get_model(APP, model_name), GinIndex(vector, name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in indexes(apps):
            schema_editor.add_index(model, index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model, index in indexes(apps):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("pledges", "0002_frameworks")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
