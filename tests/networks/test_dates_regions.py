from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from networks.dates import format_partial_date, normalise
from networks.regions import countries_in, region_of, subregion_of


@pytest.mark.parametrize(
    ("precision", "expected"),
    [("year", "2018"), ("month", "July 2018"), ("day", "July 31, 2018"), ("", "July 31, 2018")],
)
def test_partial_date_shows_only_what_the_source_said(precision: str, expected: str) -> None:
    with translation.override("en"):
        assert format_partial_date(dt.date(2018, 7, 31), precision) == expected


def test_partial_date_is_localised() -> None:
    with translation.override("de"):
        assert format_partial_date(dt.date(2019, 11, 27), "day") == "27. November 2019"


def test_empty_partial_date() -> None:
    assert format_partial_date(None, "") == ""


def test_normalise_snaps_to_period_start() -> None:
    assert normalise(dt.date(2018, 7, 31), "year") == dt.date(2018, 1, 1)
    assert normalise(dt.date(2018, 7, 31), "month") == dt.date(2018, 7, 1)
    assert normalise(dt.date(2018, 7, 31), "day") == dt.date(2018, 7, 31)


def test_m49_regions() -> None:
    assert region_of("de") == "europe"
    assert subregion_of("DE") == "western_europe"
    assert region_of("GR") == "europe"
    assert subregion_of("GR") == "southern_europe"
    assert region_of("CY") == "asia"
    assert subregion_of("CY") == "western_asia"
    assert region_of("SD") == "africa"
    assert subregion_of("SD") == "northern_africa"
    assert region_of("") == ""
    assert region_of("ZZ") == ""
    assert "UG" in countries_in("africa")
    assert "UG" in countries_in("sub_saharan_africa")
    assert "UG" not in countries_in("northern_africa")
