"""Spreadsheet columns for bulk curation in the admin (CSV, XLSX, JSON import and export).

Related records are named by their natural keys (slugs, source keys), never by database ids, so
a file exported from one database reads sensibly in a spreadsheet and imports into another.
Columns carry the model's field names, which do not change with the interface language, and
numbers and dates are written the same way in every locale (``52.52``, ``2018-07-01``).

Every row is validated by the model (``full_clean()``: choices, constraints, date order), and a
file with any failing row imports nothing: the database constraints remain the last guard.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import Diff
from import_export.results import Result

from networks.models import City, Membership, Network, Source

ISO_DATE = "%Y-%m-%d"
DIFF_INLINE_STYLE = re.compile(r'<(ins|del) style="[^"]*">')


def _text(value: Any) -> str:
    """Cell text without the spaces spreadsheets leave around it."""
    return str(value).strip()


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related record's slug (or key).

    An unknown slug raises ``ValueError``, which the resource turns into an error on that row's
    column naming the value, instead of an unexplained "matching query does not exist".
    """

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                _("There is no %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Many related records as comma-separated slugs; every slug must exist."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        queryset = super().clean(value, row, **kwargs)
        if not value:
            return queryset
        wanted = {_text(key) for key in str(value).split(self.separator)} - {""}
        missing = sorted(wanted - set(queryset.values_list(self.field, flat=True)))
        if missing:
            raise ValueError(
                _("There is no %(model)s with %(field)s %(values)s.")
                % {
                    "model": self.model._meta.verbose_name,
                    "field": self.field,
                    "values": ", ".join(f"“{key}”" for key in missing),
                }
            )
        return queryset


class CountryWidget(widgets.CharWidget):
    """An ISO 3166 code; "de " and "DE" are the same country."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> str:
        return _text(value).upper() if value is not None else ""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return getattr(value, "code", None) or ""


class IsoDateWidget(widgets.DateWidget):
    """Dates as ISO 8601 only: "01/02/2018" means different days in different countries."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", ISO_DATE)
        super().__init__(**kwargs)

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime):  # an XLSX date cell
            return value.date()
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("Write the date as YYYY-MM-DD, not “%(value)s”.") % {"value": value}
            ) from None


class PlainDecimalWidget(widgets.DecimalWidget):
    """Decimal point, no grouping, whatever the interface language (``number_format`` is not)."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if self.is_empty(value):
            return None
        try:
            return Decimal(_text(value))
        except InvalidOperation:
            raise ValueError(
                _("“%(value)s” is not a number (use a decimal point).") % {"value": value}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if not self.coerce_to_string or kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class PlainIntegerWidget(widgets.IntegerWidget):
    """Whole numbers without thousands separators, whatever the interface language."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        if self.is_empty(value):
            return None
        try:
            number = Decimal(_text(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if not self.coerce_to_string or kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


def natural_key_field(attribute: str, model: type[models.Model], key: str = "slug") -> fields.Field:
    """A foreign-key column holding the related record's natural key."""
    return fields.Field(
        attribute=attribute, column_name=attribute, widget=NaturalKeyWidget(model, field=key)
    )


def source_field() -> fields.Field:
    return natural_key_field("source", Source, key="key")


SOURCED_COLUMNS = ("source", "source_locator", "notes")


class StyleFreeDiff(Diff):
    """The preview's marks for changed text, without the inline ``style`` attributes the site's
    Content-Security-Policy blocks; ``import_export/import.css`` colours ``<ins>``/``<del>``."""

    def as_html(self) -> list[SafeString]:
        # The library's HTML escapes the cell text, so only its own tags can match.
        return [mark_safe(DIFF_INLINE_STYLE.sub(r"<\1>", html)) for html in super().as_html()]


class CuratedResource(resources.ModelResource):
    """Rules shared by every curated import: model validation, unchanged rows skipped, and a
    file that fails anywhere imports nothing (not even its valid rows)."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        # An empty XLSX cell is None, which a text column cannot hold.
        "TextField": widgets.CharWidget,
        "DateField": IsoDateWidget,
        "DecimalField": PlainDecimalWidget,
        "IntegerField": PlainIntegerWidget,
        "PositiveIntegerField": PlainIntegerWidget,
        "PositiveSmallIntegerField": PlainIntegerWidget,
        "SmallIntegerField": PlainIntegerWidget,
        "BigIntegerField": PlainIntegerWidget,
    }

    #: Relations to load with the exported rows, so an export costs a fixed number of queries.
    export_select_related: tuple[str, ...] = ("source",)
    export_prefetch_related: tuple[str, ...] = ()

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_data(
        self,
        dataset: tablib.Dataset,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = True,
        **kwargs: Any,
    ) -> Result:
        """As the library's, but an invalid row rolls back the whole file by default.

        The library only rolls back on exceptions unless asked; the admin's confirm step does
        not ask, so without this a file could be half-imported.
        """
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback_on_validation_errors,
            **kwargs,
        )

    def get_diff_class(self) -> type[Diff]:
        return StyleFreeDiff

    def get_instance(
        self, instance_loader: BaseInstanceLoader, row: dict[str, Any]
    ) -> models.Model | None:
        """An unknown slug in an id column makes the row new, so it is reported on its column."""
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_instance(self, instance: models.Model, row: dict[str, Any], **kwargs: Any) -> None:
        """Check many-to-many slugs with the other columns, before anything is saved."""
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        for field in self._many_to_many_fields(row):
            try:
                field.clean(row, **kwargs)
            except ValueError as e:
                errors.setdefault(field.attribute, []).append(
                    ValidationError(str(e), code="invalid")
                )
        if errors:
            raise ValidationError(errors)

    def _many_to_many_fields(self, row: dict[str, Any]) -> Iterable[fields.Field]:
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                yield field

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return queryset.select_related(*self.export_select_related).prefetch_related(
            *self.export_prefetch_related
        )


CITY_COLUMNS = (
    "slug",
    "name",
    "aliases",
    "country",
    "kind",
    "population",
    "latitude",
    "longitude",
    "wikidata_id",
    *SOURCED_COLUMNS,
)


class CityResource(CuratedResource):
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    source = source_field()

    class Meta:
        model = City
        import_id_fields = ["slug"]
        fields = CITY_COLUMNS
        import_order = CITY_COLUMNS
        export_order = CITY_COLUMNS


NETWORK_COLUMNS = (
    "slug",
    "name",
    "acronym",
    "kind",
    "scope",
    "region",
    "founded_year",
    "website",
    "description",
    "aliases",
    "parent",
    "has_formal_membership",
    *SOURCED_COLUMNS,
)


class NetworkResource(CuratedResource):
    """Parents are named by slug; a parent listed in the same file must come before its sections."""

    parent = natural_key_field("parent", Network)
    source = source_field()

    export_select_related = ("parent", "source")

    class Meta:
        model = Network
        import_id_fields = ["slug"]
        fields = NETWORK_COLUMNS
        import_order = NETWORK_COLUMNS
        export_order = NETWORK_COLUMNS


MEMBERSHIP_COLUMNS = (
    "city",
    "network",
    "role",
    "joined_on",
    "joined_on_precision",
    "left_on",
    "left_on_precision",
    *SOURCED_COLUMNS,
)


class MembershipResource(CuratedResource):
    """A row is identified as the model's unique constraint is: city, network and role."""

    city = natural_key_field("city", City)
    network = natural_key_field("network", Network)
    source = source_field()

    export_select_related = ("city", "network", "source")

    class Meta:
        model = Membership
        import_id_fields = ["city", "network", "role"]
        fields = MEMBERSHIP_COLUMNS
        import_order = MEMBERSHIP_COLUMNS
        export_order = MEMBERSHIP_COLUMNS
