"""The interface in English and German: catalogue complete and compiled, pages localised."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
from pathlib import Path

import pytest

from tests.declarations.factories import DeclarationFactory
from tests.networks.factories import CityFactory

PO = Path(__file__).resolve().parent.parent / "locale/de/LC_MESSAGES/django.po"


def po_entries(text: str) -> list[dict[str, object]]:
    """A small reader for the parts of the .po format makemessages writes."""
    entries, current, key = [], None, None
    for line in text.splitlines():
        if line.startswith("#,"):
            current = {"flags": line[2:].strip(), "msgstr": {}}
            entries.append(current)
            continue
        if line.startswith("msgctxt "):
            if current is None or "msgid" in current:
                current = {"flags": "", "msgstr": {}}
                entries.append(current)
            key = "msgctxt"
            current["msgctxt"] = ast.literal_eval(line[8:])
        elif line.startswith("msgid "):
            if current is None or "msgid" in current:
                current = {"flags": "", "msgstr": {}}
                entries.append(current)
            key = "msgid"
            current["msgid"] = ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            key = "msgid_plural"
            current["msgid_plural"] = ast.literal_eval(line[13:])
        elif line.startswith("msgstr"):
            match = re.match(r"msgstr(?:\[(\d)\])? (.*)", line)
            key = ("msgstr", int(match.group(1) or 0))
            current["msgstr"][key[1]] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and current is not None:
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += value
            else:
                current[key] += value
        elif not line.strip():
            current, key = None, None
    return [e for e in entries if e.get("msgid")]


def test_german_catalogue_is_complete_and_not_fuzzy() -> None:
    entries = po_entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in str(e["flags"])]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source() -> None:
    entries = po_entries(PO.read_text(encoding="utf-8"))
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        if "msgid_plural" in entry:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
        elif "msgctxt" in entry:
            got = compiled.pgettext(entry["msgctxt"], entry["msgid"])
        else:
            got = compiled.gettext(entry["msgid"])
        assert got == entry["msgstr"][0], f"django.mo is stale for {entry['msgid']!r}"


@pytest.mark.django_db
def test_accept_language_selects_german(client) -> None:
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de">' in body
    assert ">Städte</a>" in body
    assert "Zum Inhalt springen" in body


@pytest.mark.django_db
def test_german_pages_localise_dates_numbers_and_country_names(client) -> None:
    CityFactory(slug="koeln", name="Cologne", country="DE", population=1084831)
    DeclarationFactory(slug="gaz", date=dt.date(2019, 11, 27), date_precision="day")
    city = client.get("/cities/koeln/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Deutschland" in city
    assert "1.084.831" in city
    declaration = client.get("/declarations/gaz/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "27. November 2019" in declaration
    english = client.get("/declarations/gaz/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nov. 27, 2019" in english or "November 27, 2019" in english


@pytest.mark.django_db
def test_language_switcher_remembers_the_choice(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/cities/?region=europe"})
    assert response.status_code == 302
    assert response["Location"] == "/cities/?region=europe"
    body = client.get("/cities/?region=europe").content.decode()
    assert "Filter anwenden" in body


@pytest.mark.django_db
def test_german_filter_errors(client) -> None:
    response = client.get("/timeline/?year_from=3000", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "Einige Filterwerte sind ungültig" in response.content.decode()
