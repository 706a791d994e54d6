"""Dates that come from sources carry a precision: a text may give only "2018" or "end of July".

A partial date is stored as two columns, ``<name>`` (a ``DateField``) and ``<name>_precision``.
A year-precise date is stored as 1 January of that year, a month-precise one as the 1st of the
month, so ordering and range filters work on the plain date column.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


def precision_field(verbose_name: str) -> models.CharField:
    """The companion column of a partial date; empty exactly when the date is empty."""
    return models.CharField(
        verbose_name, max_length=5, choices=DatePrecision.choices, blank=True, default=""
    )


def precision_constraint(model: str, field: str) -> models.CheckConstraint:
    """A date and its precision are set together, and a year/month date is normalised."""
    p = f"{field}_precision"
    return models.CheckConstraint(
        name=f"{model}_{field}_precision",
        condition=(
            Q(**{f"{field}__isnull": True, p: ""})
            | Q(**{f"{field}__isnull": False, p: DatePrecision.DAY})
            | Q(**{f"{field}__isnull": False, p: DatePrecision.MONTH})
            | Q(**{f"{field}__isnull": False, p: DatePrecision.YEAR})
        ),
    )


def normalise(value: dt.date | None, precision: str) -> dt.date | None:
    """Snap a date to the start of its period so equal facts compare equal."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def clean_partial_date(instance: models.Model, field: str) -> None:
    """Model-level check shared by every model with a partial date (used from ``clean()``)."""
    value = getattr(instance, field)
    precision_attr = f"{field}_precision"
    precision = getattr(instance, precision_attr)
    if value is None and precision:
        raise ValidationError({field: _("Give the date, or clear its precision.")})
    if value is not None and not precision:
        raise ValidationError({precision_attr: _("Say how precise the date is.")})
    setattr(instance, field, normalise(value, precision))


def format_partial_date(value: dt.date | None, precision: str) -> str:
    """Show only what the source said: "2018", "July 2018" or "27 November 2019"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


def iso_partial_date(value: dt.date | None, precision: str) -> str:
    """ISO 8601 at the source's precision ("2018", "2018-07", "2019-11-27"), for linked data."""
    if value is None:
        return ""
    iso = value.isoformat()
    if precision == DatePrecision.YEAR:
        return iso[:4]
    if precision == DatePrecision.MONTH:
        return iso[:7]
    return iso
