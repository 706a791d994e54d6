"""Recorded versions of the knowledge base's records, and a reader safe to publish.

Every public model carries ``history = record_history()`` (django-simple-history): each save,
delete and admin edit writes one row to its historical table, including who made it. Those rows
are for curators. Partners get :func:`public_history`, which reads them in one query and reports
only the fields the caller names as public, only in versions the caller deems visible, and never
the editing user or change reason.

This module sits at the bottom of the import chain beside ``networks.models``: it imports no
model, so every app can use it.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import models
from django.utils.functional import Promise
from simple_history.models import HistoricalRecords

Kind = Literal["created", "changed", "deleted"]
HistoricalRecord = Any  # an instance of a model's generated Historical<Model> class

# Columns of a historical row that say who edited, and why: curators' business, never read here.
_PRIVATE_COLUMNS = ("history_user", "history_change_reason")


def record_history(*, excluded_fields: Sequence[str] = ()) -> HistoricalRecords:
    """The one history configuration every public model uses, so all tables look alike.

    64-bit history ids like the project's other keys (a history outgrows its record); the editing
    user is a foreign key to ``settings.AUTH_USER_MODEL`` (simple-history's default).
    """
    return HistoricalRecords(
        history_id_field=models.BigAutoField(primary_key=True),
        excluded_fields=list(excluded_fields),
    )


@dataclass(frozen=True)
class Change:
    """One public field's value before and after a version; both JSON-ready."""

    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Version:
    """A dated state of a record as the public saw it, with what changed since the last one."""

    date: datetime.datetime
    kind: Kind
    changes: tuple[Change, ...]

    def as_dict(self) -> dict[str, object]:
        """The JSON form the API serves (``date`` in ISO 8601)."""
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
        }


def has_history(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def tracked_fields(model: type[models.Model]) -> dict[str, models.Field]:
    """The model's fields its historical table copies, by name (m2m and excluded ones are not)."""
    if not has_history(model):
        raise TypeError(f"{model._meta.label} records no history")
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    return {field.name: field for field in history_model.tracked_fields}


def history_queryset(instance: models.Model) -> models.QuerySet:
    """The record's historical rows, newest first, without the editor's identity or reason.

    Works for a deleted record too: pass ``last_historical_row.instance``, which keeps its pk.
    """
    if instance.pk is None:
        raise ValueError("a record without a primary key has no history")
    model = instance._meta.model
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    return (
        history_model._default_manager.filter(**{model._meta.pk.attname: instance.pk})
        .defer(*_PRIVATE_COLUMNS)
        .order_by("-history_date", "-history_id")
    )


def json_value(field: models.Field, value: object) -> object:
    """A field's stored value in JSON-ready form.

    Dates and datetimes become ISO 8601 strings, decimals strings (no float rounding), UUIDs
    strings; a foreign key stays the related row's key as stored (its pk, or the ``to_field``
    value such as a framework code), which the API layer may map to a public key or URL.
    """
    if value is None:
        return None
    if field.many_to_one or field.one_to_one:
        field = field.target_field
    value = field.get_prep_value(value)
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    return value


def public_history(
    instance: models.Model,
    *,
    fields: Sequence[str],
    visible: Callable[[HistoricalRecord], bool] | None = None,
    limit: int = 100,
) -> list[Version]:
    """The record's public versions, newest first, at most ``limit`` of them; one query.

    ``fields`` are the public field names (foreign keys by name, not ``_id``); nothing else is
    compared or reported. ``visible`` says which historical rows the public may see (a pledge:
    only published ones); each visible version is compared with the previous visible one, so what
    changed in between, unseen, shows up as part of the next visible change and never on its own.

    The oldest visible version is ``created`` and lists every public field (``old`` is None);
    a ``deleted`` version is kept even if nothing changed; any other version that changed no
    public field is dropped. A row of kind ``+`` starts a new life: rows before it belong to a
    deleted record whose pk was reused (SQLite does that) and are ignored.
    """
    if limit < 1:
        return []
    available = tracked_fields(instance._meta.model)
    unknown = [name for name in fields if name not in available]
    if unknown:
        raise ValueError(f"not in {instance._meta.label}'s history: {', '.join(unknown)}")
    public = [available[name] for name in dict.fromkeys(fields)]

    versions: list[Version] = []
    previous: dict[str, object] | None = None
    for record in reversed(list(history_queryset(instance))):  # oldest first to diff
        if record.history_type == "+":
            versions, previous = [], None
        if visible is not None and not visible(record):
            continue
        state = {f.name: json_value(f, getattr(record, f.attname)) for f in public}
        if previous is None:
            kind: Kind = "created"
            changes = tuple(Change(name, None, value) for name, value in state.items())
        else:
            kind = "deleted" if record.history_type == "-" else "changed"
            changes = tuple(
                Change(name, previous[name], value)
                for name, value in state.items()
                if value != previous[name]
            )
        previous = state
        if changes or kind != "changed":
            versions.append(Version(date=record.history_date, kind=kind, changes=changes))
    return versions[::-1][:limit]
