"""The listings' Python-rendered selects write exactly what Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given
from hypothesis import strategies as st

import citydiplo.filters
import declarations.filters
import networks.filters
import pledges.filters
from networks.listing import ListingFilterSet
from networks.models import City
from networks.widgets import TWINS, PythonRenderedSelect, PythonRenderedSelectMultiple
from tests.declarations.factories import DeclarationFactory, SignatureFactory
from tests.networks.factories import MembershipFactory
from tests.pledges.factories import PledgeFactory
from tests.strategies import fuzz

# Each listing app's FilterSets, imported so that every subclass below is known.
FILTER_MODULES = (networks.filters, declarations.filters, pledges.filters, citydiplo.filters)

CHOICES = [
    ("", "---------"),
    ("de", "Germany"),
    ("x&y", 'Quotes " and <tags> & ampersands'),
    (3, 2018),
    ("safe", mark_safe("<b>kept</b>")),
    ("lazy", gettext_lazy("Country")),
    ("Group <1>", [("g1", "One"), ("g2", "Two")]),
    ("", [("loose", "Ungrouped")]),
]


def both(single: bool, **kwargs) -> tuple[forms.Widget, forms.Widget]:
    if single:
        return forms.Select(**kwargs), PythonRenderedSelect(**kwargs)
    return forms.SelectMultiple(**kwargs), PythonRenderedSelectMultiple(**kwargs)


@pytest.mark.parametrize("single", [True, False])
@pytest.mark.parametrize(
    "value", [None, "", "de", "x&y", 3, "3", "g2", ["de", "g1"], ["nothing"], "missing"]
)
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_country"}, {"required": True, "hidden": False, "data-x": 'a"<b>', "n": 0}],
)
def test_the_same_html_as_djangos_templates(single: bool, value, attrs) -> None:
    django_widget, ours = both(single, choices=CHOICES)
    assert ours.render("country", value, attrs=attrs) == django_widget.render(
        "country", value, attrs=attrs
    )


@fuzz(150)
@given(
    single=st.booleans(),
    name=st.text(min_size=1, max_size=12),
    choices=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=6),
    value=st.one_of(st.none(), st.text(max_size=8), st.lists(st.text(max_size=8), max_size=3)),
)
def test_the_same_html_for_any_text(single: bool, name: str, choices, value) -> None:
    django_widget, ours = both(single, choices=choices)
    assert ours.render(name, value) == django_widget.render(name, value)


def listing_filtersets() -> list[type[ListingFilterSet]]:
    found: list[type[ListingFilterSet]] = []
    pending = [ListingFilterSet]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.append(subclass)
            pending.append(subclass)
    return [f for f in found if f._meta.model is not None]


@pytest.mark.django_db
def test_every_listing_form_renders_as_it_did_with_djangos_widgets() -> None:
    """Each listing's whole filter form, with its real (narrowed, lazy) options and a value
    chosen, is the same HTML either way; and every plain select uses the faster widget."""
    # The API schema reads every FilterSet's class-level filters, which build and keep their form
    # fields: the pages' forms must still get the faster widgets after that.
    SchemaGenerator().get_schema(request=None, public=True)
    PledgeFactory()
    MembershipFactory()
    SignatureFactory(declaration=DeclarationFactory())
    filtersets = listing_filtersets()
    assert {f.__name__ for f in filtersets} >= {
        "CityFilter",
        "MembershipFilter",
        "PledgeFilter",
        "DeclarationFilter",
        "SignatureFilter",
    }
    # a country that has cities, so that the narrowed select has it selected
    country = City.objects.values_list("country", flat=True).first()
    swapped = 0
    for filterset_class in filtersets:
        data = {"country": country, "sort": "-name"}
        request = RequestFactory().get("/", data)
        filterset = filterset_class(data=request.GET, request=request)
        form = filterset.form
        assert not [f.label for f in form.fields.values() if type(f.widget) in TWINS]
        ours = form.as_div()
        plain = [f for f in form.fields.values() if type(f.widget) in TWINS.values()]
        for field in plain:
            # back to Django's own widget (the twins add no state of their own)
            field.widget.__class__ = type(field.widget).__mro__[2]
            assert type(field.widget) in TWINS
        swapped += len(plain)
        assert ours == form.as_div(), filterset_class.__name__
    assert swapped >= 10
