"""schema.org descriptions of cities and networks, for search engines and linked-data tools."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from networks.models import City, Network

Absolute = Callable[[str], str]


def document(schema_type: str, record: Any, name: str, absolute: Absolute) -> dict[str, Any]:
    """The head of a page's JSON-LD: the record is identified by its canonical URL."""
    url = absolute(record.get_absolute_url())
    return {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": url,
        "url": url,
        "name": name,
    }


def reference(schema_type: str, record: Any, name: str, absolute: Absolute) -> dict[str, Any]:
    """A link from one record's JSON-LD to another record of the site."""
    return {"@type": schema_type, "name": name, "@id": absolute(record.get_absolute_url())}


def city_jsonld(city: City, absolute: Absolute) -> dict[str, Any]:
    data = document("City", city, city.name, absolute)
    data["containedInPlace"] = {"@type": "Country", "name": city.country.name}
    if city.alias_list:
        data["alternateName"] = city.alias_list
    if city.latitude is not None and city.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(city.latitude),
            "longitude": float(city.longitude),
        }
    if city.wikidata_id:
        data["sameAs"] = [f"https://www.wikidata.org/wiki/{city.wikidata_id}"]
    return data


def network_jsonld(
    network: Network, absolute: Absolute, *, members: Iterable[City] = ()
) -> dict[str, Any]:
    """``members``: the member cities to name, those the page shows (a network may have
    thousands; the member listing names them all)."""
    data = document("Organization", network, network.name, absolute)
    if network.acronym or network.alias_list:
        data["alternateName"] = [n for n in [network.acronym, *network.alias_list] if n]
    if network.founded_year:
        data["foundingDate"] = str(network.founded_year)
    if network.description:
        data["description"] = network.description
    if network.website:
        data["sameAs"] = [network.website]
    if network.parent_id:
        data["parentOrganization"] = reference(
            "Organization", network.parent, network.parent.name, absolute
        )
    named = list(dict.fromkeys(members))  # a city with two roles is named once
    if named:
        data["member"] = [reference("City", c, c.name, absolute) for c in named]
    return data
