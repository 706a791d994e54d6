"""Spreadsheet columns for declarations and their signatures (see ``networks.resources``)."""

from __future__ import annotations

from import_export import fields

from declarations.models import Declaration, Event, Signature, Topic
from networks.models import City, Network
from networks.resources import (
    SOURCED_COLUMNS,
    CuratedResource,
    NaturalKeysWidget,
    natural_key_field,
    source_field,
)

DECLARATION_COLUMNS = (
    "slug",
    "title",
    "aliases",
    "kind",
    "issuer",
    "issuer_text",
    "event",
    "place",
    "date",
    "date_precision",
    "language",
    "topics",
    "url",
    "summary",
    "declared_signatory_count",
    "declared_count_qualifier",
    *SOURCED_COLUMNS,
)


class DeclarationResource(CuratedResource):
    """Topics are comma-separated slugs; an unknown one fails the row rather than vanishing."""

    issuer = natural_key_field("issuer", Network)
    event = natural_key_field("event", Event)
    topics = fields.Field(
        attribute="topics", column_name="topics", widget=NaturalKeysWidget(Topic, field="slug")
    )
    source = source_field()

    export_select_related = ("issuer", "event", "source")
    export_prefetch_related = ("topics",)

    class Meta:
        model = Declaration
        import_id_fields = ["slug"]
        fields = DECLARATION_COLUMNS
        import_order = DECLARATION_COLUMNS
        export_order = DECLARATION_COLUMNS


SIGNATURE_COLUMNS = (
    "declaration",
    "city",
    "signed_on",
    "signed_on_precision",
    "signatory_office",
    *SOURCED_COLUMNS,
)


class SignatureResource(CuratedResource):
    """A row is identified as the model's unique constraint is: declaration and city."""

    declaration = natural_key_field("declaration", Declaration)
    city = natural_key_field("city", City)
    source = source_field()

    export_select_related = ("declaration", "city", "source")

    class Meta:
        model = Signature
        import_id_fields = ["declaration", "city"]
        fields = SIGNATURE_COLUMNS
        import_order = SIGNATURE_COLUMNS
        export_order = SIGNATURE_COLUMNS
