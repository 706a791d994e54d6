"""Building blocks every filtered listing shares: the HTML view, its CSV twin and sort links.

They sit at the bottom of the import chain so that each app's listing (and the site-wide city
listing) behaves the same way: filters live in the query string, a bad value re-shows the form
with a message and HTTP 400 instead of a 500, and the CSV holds exactly the filtered rows.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from networks.widgets import TWINS

# Cells a spreadsheet would run as a formula; they get a leading apostrophe (OWASP's advice).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class FilteredListView(ListView):
    """A paginated listing driven by one FilterSet; the same FilterSet serves the API."""

    filterset_class: type[django_filters.FilterSet]
    paginate_by = 50
    filterset: django_filters.FilterSet
    filters_invalid = False

    def get_base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_filterset(self) -> django_filters.FilterSet:
        return self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )

    def get_queryset(self) -> QuerySet:
        self.filterset = self.get_filterset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            # Show nothing rather than silently ignoring a filter the user believes is active.
            self.filters_invalid = True
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        context["filter"] = self.filterset
        context["filters_invalid"] = self.filters_invalid
        context["active_filters"] = [
            name
            for name in self.filterset.filters
            if name not in ("sort",) and self.request.GET.get(name)
        ]
        context["form"] = form
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if self.filters_invalid:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class KeysFirstPaginator(Paginator):
    """Finds a page by sorting primary keys only, then reads that page's full rows.

    The database then sorts narrow rows (the sort columns and the key) rather than every
    column of every joined table, which matters on the deep pages of a long table.
    """

    def _get_page(self, object_list: Any, number: int, paginator: Paginator) -> Page:
        if isinstance(object_list, QuerySet) and isinstance(self.object_list, QuerySet):
            object_list = self.object_list.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, number, paginator)


def table_page(
    request: HttpRequest,
    rows: QuerySet,
    *,
    per_page: int = 50,
    holding: Callable[[str], int | None] | None = None,
    holding_param: str = "",
    count: int | None = None,
) -> dict[str, Any]:
    """One page of a long table on a detail page, with what ``components/pagination.html``
    needs. ``?page=`` picks the page (a bad number shows the nearest page rather than hiding
    the record); without it, ``?<holding_param>=<pk>`` picks the page that holds that row, as
    ``holding(pk)`` places it (1-based), so links to ``#<row>-<pk>`` can reach every row.
    ``count``: the number of rows when the caller knows it already (saves a query).
    """
    number: int | str | None = request.GET.get("page")
    wanted = request.GET.get(holding_param) if holding_param else None
    if not number and wanted and holding is not None:
        position = holding(wanted)
        if position is not None:
            number = (position - 1) // per_page + 1
    paginator = KeysFirstPaginator(rows, per_page)
    if count is not None:
        paginator.count = count  # type: ignore[misc]  # sets the cached_property
    page: Page = paginator.get_page(number)
    return {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
    }


class ListingFilterSet(django_filters.FilterSet):
    """A FilterSet whose validation accepts every existing value while its HTML selects offer
    only the values that have rows.

    A partner asking the API for the declarations of a network that issued none gets an empty
    list, not an error; a researcher's select does not list dozens of dead ends. ``offered``
    maps a filter name to a callable giving the narrower queryset or choices for the widget;
    filters named in ``hidden`` (API conveniences such as a single ``year``) are kept in the
    form as hidden inputs so a link using them still works and survives re-submission.
    """

    offered: dict[str, Callable[[], Any]] = {}
    hidden: tuple[str, ...] = ()

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
        """The class's filters, as the FilterSet metaclass builds them when the class is made.

        Selects that keep Django's default widget get its Python-rendered twin: the same HTML,
        without two template includes per option (networks/widgets.py). It happens here, not
        per instance, because a filter builds its form field once and keeps it: the API schema
        reads the class's filters, and every FilterSet instance copies that cached field.
        """
        filters = super().get_filters()
        for declared in filters.values():
            default = getattr(declared.field_class, "widget", None)
            if "widget" not in declared.extra and default in TWINS:
                declared.extra["widget"] = TWINS[default]
        return filters

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for name, offered in self.offered.items():
                field = form.fields[name]
                if isinstance(field, forms.ModelChoiceField):
                    # A shallow copy shares the widget: giving the copy the narrower queryset
                    # sets the widget's (lazy) options, while the field still validates against
                    # every row.
                    shown = copy.copy(field)
                    shown.queryset = offered()
                else:
                    # A callable keeps the options lazy: API requests never render the widget.
                    field.widget.choices = lambda field=field, offered=offered: [
                        ("", field.empty_label),
                        *offered(),
                    ]
            for name in self.hidden:
                form.fields[name].widget = forms.HiddenInput()
        return self._form


class EchoWriter:
    """A file-like object whose write() hands the line back, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_response(
    rows: Iterable[Any],
    columns: Sequence[tuple[str, Callable[[Any], object]]],
    filename: str,
    *,
    language: str = "en",
) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV with a header row; nothing is held in memory.

    Names (countries, regions) are written in one fixed language whatever the page language,
    so that scripts reading the file can rely on them.
    """
    writer = csv.writer(EchoWriter())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # lets spreadsheet programs detect UTF-8 (Köln, Zürich)
        yield writer.writerow([header for header, _ in columns])
        with translation.override(language):
            for row in rows:
                yield writer.writerow([safe_cell(str(getter(row))) for _, getter in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filtered_or_400(
    request: HttpRequest, filterset_class: type[django_filters.FilterSet], queryset: QuerySet
) -> tuple[QuerySet | None, django_filters.FilterSet]:
    """The CSV twin of FilteredListView: the filtered rows, or None when a value is invalid."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset
    return filterset.qs, filterset


def errors_response(filterset: django_filters.FilterSet) -> HttpResponse:
    lines = [f"{field}: {' '.join(errors)}" for field, errors in filterset.form.errors.items()]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def text_filter(*fields: str, label: str | None = None) -> django_filters.CharFilter:
    """A free-text filter matching any of ``fields`` (case-insensitive, each word must match)."""

    def apply(queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:8]:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    return django_filters.CharFilter(
        label=label or _("Text"), method=apply, max_length=200, strip=True
    )


def _descending(label: str) -> str:
    return gettext("%s (descending)") % label


_descending_lazy = lazy(_descending, str)


class SortKeysField(django_filters.fields.BaseCSVField):
    """Comma-separated sort keys where an empty one (``?sort=name,`` or ``?sort=,``) is an
    invalid choice: django-filter lets it through, and ``order_by("")`` is a FieldError, a 500.
    Found by tests/test_filter_properties.py."""

    def clean(self, value: Any) -> Any:
        if value and any(item in self.empty_values for item in value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ",".join(value)},
            )
        return super().clean(value)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting that always ends on the primary key, so pages never repeat or skip rows."""

    base_field_class = SortKeysField

    def build_choices(self, fields, labels):
        # django-filter formats "… (descending)" once, at import, in English; stay lazy instead.
        ascending = dict(super().build_choices(fields, labels)[::2])
        choices = []
        for value, label in ascending.items():
            choices += [(value, label), (f"-{value}", _descending_lazy(label))]
        return choices

    def __init__(self, *args: Any, tiebreak: Sequence[str] = ("pk",), **kwargs: Any) -> None:
        self.tiebreak = list(tiebreak)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        return qs.order_by(*[self.get_ordering_value(v) for v in value], *self.tiebreak)


YEAR_BOUNDS = {"min_value": 1800, "max_value": 2200}


def year_filter(field: str, lookup: str, label: str) -> django_filters.NumberFilter:
    """A year bound on a date column; out-of-range years are a form error, not a 500."""
    return django_filters.NumberFilter(
        label=label,
        field_name=field,
        lookup_expr=f"year__{lookup}",
        widget=forms.NumberInput(attrs={"min": 1800, "max": 2200, "step": 1}),
        **YEAR_BOUNDS,
    )


YES_NO = (("yes", _("yes")), ("no", _("no")))


def yes_no_filter(label: str, condition: Callable[[], Any]) -> django_filters.ChoiceFilter:
    """A yes/no question about each row; ``condition()`` builds the Q or Exists for "yes"."""

    def apply(queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.filter(condition())
        if value == "no":
            return queryset.exclude(condition())
        return queryset

    return django_filters.ChoiceFilter(
        label=label, choices=YES_NO, method=apply, empty_label=_("either")
    )
