"""Events, declarations and signatures: the database refuses what cannot be true."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from declarations.models import CountQualifier
from tests.declarations.factories import (
    DeclarationFactory,
    EventFactory,
    EventSeriesFactory,
    SignatureFactory,
)
from tests.helpers import assert_db_rejects

pytestmark = pytest.mark.django_db


def test_a_city_signs_a_declaration_once() -> None:
    signature = SignatureFactory()
    assert_db_rejects(SignatureFactory, declaration=signature.declaration, city=signature.city)


def test_signature_date_carries_precision() -> None:
    assert_db_rejects(SignatureFactory, signed_on=dt.date(2018, 12, 8), signed_on_precision="")


def test_declaration_kind_is_a_known_choice() -> None:
    assert_db_rejects(DeclarationFactory, kind="manifesto")


def test_declared_count_and_qualifier_go_together() -> None:
    assert_db_rejects(
        DeclarationFactory, declared_signatory_count=None, declared_count_qualifier="more_than"
    )
    assert_db_rejects(DeclarationFactory, declared_signatory_count=30, declared_count_qualifier="")
    declaration = DeclarationFactory(
        declared_signatory_count=30, declared_count_qualifier=CountQualifier.MORE_THAN
    )
    assert declaration.declared_count_display == "more than 30"


def test_declared_count_defaults_to_exactly_in_validation() -> None:
    declaration = DeclarationFactory.build(declared_signatory_count=12)
    declaration.full_clean()
    assert declaration.declared_count_qualifier == CountQualifier.EXACTLY
    assert declaration.declared_count_display == "12"


def test_event_cannot_end_before_it_starts() -> None:
    assert_db_rejects(
        EventFactory,
        start_date=dt.date(2019, 12, 17),
        start_date_precision="day",
        end_date=dt.date(2019, 12, 16),
    )
    assert_db_rejects(EventFactory, start_date=None, end_date=dt.date(2019, 12, 16))


def test_event_edition_belongs_to_a_series_and_is_unique() -> None:
    assert_db_rejects(EventFactory, edition=3, series=None)
    series = EventSeriesFactory()
    EventFactory(series=series, edition=1)
    assert_db_rejects(EventFactory, series=series, edition=1)
    assert_db_rejects(EventFactory, series=series, edition=0)
    event = EventFactory.build(edition=2)
    with pytest.raises(ValidationError, match="belongs to a series"):
        event.full_clean()


def test_declaration_slug_format() -> None:
    assert_db_rejects(DeclarationFactory, slug="Marrakech Mayors Declaration")


def test_deleting_a_signed_declaration_is_refused() -> None:
    signature = SignatureFactory()
    with pytest.raises(Exception, match="protected"):
        signature.declaration.delete()


def test_event_name_shows_its_year_once() -> None:
    assert (
        str(EventFactory.build(name="Africities 2018", start_date=dt.date(2018, 11, 20)))
        == "Africities 2018"
    )
    assert (
        str(EventFactory.build(name="GFMD Summit", start_date=dt.date(2020, 1, 21)))
        == "GFMD Summit (2020)"
    )
