"""schema.org descriptions of cities and networks, for search engines and linked-data tools."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from networks.models import City, Network

Absolute = Callable[[str], str]


def city_jsonld(city: City, absolute: Absolute) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "City",
        "@id": absolute(city.get_absolute_url()),
        "name": city.name,
        "url": absolute(city.get_absolute_url()),
        "containedInPlace": {"@type": "Country", "name": city.country.name},
    }
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


def network_jsonld(network: Network, absolute: Absolute) -> dict[str, Any]:
    url = absolute(network.get_absolute_url())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": url,
        "name": network.name,
        "url": url,
    }
    if network.acronym or network.alias_list:
        data["alternateName"] = [n for n in [network.acronym, *network.alias_list] if n]
    if network.founded_year:
        data["foundingDate"] = str(network.founded_year)
    if network.description:
        data["description"] = network.description
    if network.website:
        data["sameAs"] = [network.website]
    if network.parent_id:
        data["parentOrganization"] = {
            "@type": "Organization",
            "name": network.parent.name,
            "@id": absolute(network.parent.get_absolute_url()),
        }
    members = [m.city for m in network.memberships.all()]
    if members:
        data["member"] = [
            {"@type": "City", "name": c.name, "@id": absolute(c.get_absolute_url())}
            for c in members
        ]
    return data
