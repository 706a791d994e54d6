"""Declaration and event pages stay bounded however many signatories, texts and pledges they
have: signatories a page at a time, declarations and pledges of an event cut short."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from declarations import selectors
from pledges.models import ModerationState
from tests.declarations.factories import DeclarationFactory, EventFactory, SignatureFactory
from tests.networks.factories import CityFactory
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr id="signature-(\d+)">')


def rows(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in ROW.findall(response.content.decode())]


@pytest.fixture
def signed():
    declaration = DeclarationFactory(slug="signed", title="Much Signed")
    for i in range(120):
        SignatureFactory(declaration=declaration, city=CityFactory(name=f"Town {119 - i:03d}"))
    return declaration


def test_signatories_fifty_a_page_by_name_every_one_once(client, signed) -> None:
    pages = [rows(client.get(f"/declarations/signed/?page={n}")) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [50, 50, 20]
    shown = [pk for page in pages for pk in page]
    assert shown == list(selectors.declaration_signatures(signed).values_list("pk", flat=True))
    body = client.get("/declarations/signed/").content.decode()
    assert body.index(">Town 000<") < body.index(">Town 001<")
    assert "Signatories 1–50 of 120, by name." in body
    assert "Page 1 of 3" in body
    assert 'href="/cities/?declaration=signed"' in body
    assert '<script src="/static/js/row-anchors.js" defer></script>' in body


def test_signature_parameter_opens_the_page_that_holds_the_row(client, signed) -> None:
    ordered = list(selectors.declaration_signatures(signed).values_list("pk", flat=True))
    for position in (0, 50, 77, 119):
        pk = ordered[position]
        assert pk in rows(client.get(f"/declarations/signed/?signature={pk}"))
        assert selectors.signature_position(signed, pk) == position + 1
    other = SignatureFactory()
    assert rows(client.get(f"/declarations/signed/?signature={other.pk}")) == ordered[:50]


def test_json_ld_names_the_signatories_of_the_page_shown(client, signed) -> None:
    body = client.get("/declarations/signed/?page=3").content.decode()
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', body, re.S).group(1))
    assert len(data["author"]) == 20


def test_few_signatories_and_a_declared_count(client) -> None:
    declaration = DeclarationFactory(
        slug="few", declared_signatory_count=30, declared_count_qualifier="more_than"
    )
    SignatureFactory.create_batch(2, declaration=declaration)
    body = client.get("/declarations/few/").content.decode()
    assert len(ROW.findall(body)) == 2
    assert "Those named in the sources are listed below." in body
    assert 'class="pagination"' not in body
    assert "Signatories 1–" not in body


def test_event_page_cuts_declarations_and_pledges_short_with_links(client) -> None:
    event = EventFactory(slug="summit")
    for i in range(23):
        DeclarationFactory(
            event=event, title=f"Text {i:02d}", date=dt.date(2000 + i, 1, 1), date_precision="year"
        )
        PledgeFactory(event=event, title=f"Promise {i:02d}")
    PledgeFactory(event=event, title="Hidden draft", moderation_state=ModerationState.DRAFT)
    body = client.get("/events/summit/").content.decode()
    assert len(re.findall(r'<li><a href="/declarations/', body)) == 20
    assert len(re.findall(r'<li><a href="/pledges/\d+/"', body)) == 20
    assert "Text 22" in body  # newest first
    assert "Promise 00" in body  # by title
    assert "Hidden draft" not in body
    assert '<a href="/declarations/?event=summit">All 23 declarations adopted here</a>' in body
    assert '<a href="/pledges/?event=summit">All 23 published pledges made here</a>' in body


def test_event_page_without_many_records_has_no_links_to_all(client) -> None:
    event = EventFactory(slug="quiet")
    DeclarationFactory(event=event)
    PledgeFactory(event=event)
    body = client.get("/events/quiet/").content.decode()
    assert "adopted here</a>" not in body
    assert "made here</a>" not in body
