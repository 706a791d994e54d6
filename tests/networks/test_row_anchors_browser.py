"""Old links to one row of a now paginated table still reach the row (static/js/row-anchors.js),
under the strict Content-Security-Policy."""

from __future__ import annotations

import datetime as dt

import pytest

from networks import selectors
from tests.declarations.factories import DeclarationFactory, SignatureFactory
from tests.networks.factories import CityFactory, MembershipFactory, NetworkFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_link_to_a_member_row_on_page_three_lands_on_that_row(live_server, page) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    network = NetworkFactory(slug="big")
    for i in range(110):
        MembershipFactory(
            network=network,
            city=CityFactory(name=f"Town {i:03d}"),
            joined_on=dt.date(2000 + i // 10, 1, 1),
            joined_on_precision="year",
        )
    target = list(selectors.network_memberships(network))[105]  # on page 3
    page.goto(f"{live_server.url}{target.get_absolute_url()}")  # /networks/big/#membership-<pk>
    row = page.locator(f"#membership-{target.pk}")
    row.wait_for()
    assert f"membership={target.pk}" in page.url
    assert page.url.endswith(f"#membership-{target.pk}")
    assert "Town 105" in row.inner_text()
    assert page.get_by_text("Page 3 of 3").is_visible()
    assert violations == []


def test_a_link_to_a_signature_row_on_page_one_stays_put(live_server, page) -> None:
    declaration = DeclarationFactory(slug="signed")
    signature = SignatureFactory(declaration=declaration)
    page.goto(f"{live_server.url}{signature.get_absolute_url()}")
    page.locator(f"#signature-{signature.pk}").wait_for()
    assert "?" not in page.url  # the row was there: no reload
