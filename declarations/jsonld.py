"""schema.org descriptions of declarations and events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from declarations.models import Declaration, Event
from networks.dates import iso_partial_date
from networks.jsonld import Absolute, document, reference
from networks.models import City


def declaration_jsonld(
    declaration: Declaration, absolute: Absolute, *, signatories: Iterable[City] = ()
) -> dict[str, Any]:
    """``signatories``: the signing cities to name, those the page shows (a declaration may
    have thousands; the city listing filtered by the declaration names them all)."""
    data = document("CreativeWork", declaration, declaration.title, absolute)
    data["genre"] = declaration.get_kind_display()
    if declaration.alias_list:
        data["alternateName"] = declaration.alias_list
    if declaration.date:
        # ISO 8601 allows reduced precision, so "2018" or "2018-12" say no more than the source.
        data["dateCreated"] = iso_partial_date(declaration.date, declaration.date_precision)
    if declaration.language:
        data["inLanguage"] = declaration.language
    if declaration.summary:
        data["abstract"] = declaration.summary
    if declaration.url:
        data["sameAs"] = [declaration.url]
    if declaration.issuer_id:
        data["publisher"] = reference(
            "Organization", declaration.issuer, declaration.issuer.name, absolute
        )
    elif declaration.issuer_text:
        data["publisher"] = {"@type": "Organization", "name": declaration.issuer_text}
    if declaration.event_id:
        data["recordedAt"] = reference("Event", declaration.event, declaration.event.name, absolute)
    topics = [t.name for t in declaration.topics.all()]
    if topics:
        data["keywords"] = topics
    named = list(dict.fromkeys(signatories))
    if named:
        data["author"] = [reference("City", c, c.name, absolute) for c in named]
    return data


def event_jsonld(event: Event, absolute: Absolute) -> dict[str, Any]:
    data = document("Event", event, event.name, absolute)
    if event.start_date:
        data["startDate"] = iso_partial_date(event.start_date, event.start_date_precision)
    if event.end_date:
        data["endDate"] = event.end_date.isoformat()
    if event.place or event.city_id:
        place: dict[str, Any] = {"@type": "Place", "name": event.place or event.city.name}
        if event.city_id:
            place["containedInPlace"] = reference("City", event.city, event.city.name, absolute)
        data["location"] = place
    if event.description:
        data["description"] = event.description
    organisers = [reference("Organization", o, o.name, absolute) for o in event.organisers.all()]
    if organisers:
        data["organizer"] = organisers
    if event.series_id:
        data["superEvent"] = {"@type": "EventSeries", "name": event.series.name}
    return data
