"""Cities, the networks and organisations they act through, and who belongs to what.

``Source`` lives here, at the bottom of the import chain, because every app cites sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from networks.dates import (
    clean_partial_date,
    format_partial_date,
    precision_constraint,
    precision_field,
)
from networks.history import record_history
from networks.regions import region_of

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def slug_constraint(model: str) -> models.CheckConstraint:
    """Slugs appear in URLs: lowercase ASCII words joined by single hyphens."""
    return models.CheckConstraint(
        name=f"{model}_slug_format", condition=Q(slug__regex=SLUG_PATTERN)
    )


def choices_constraint(
    model: str, field: str, choices: type[models.TextChoices]
) -> models.CheckConstraint:
    """Choices are a database rule too, not only a form widget."""
    return models.CheckConstraint(
        name=f"{model}_{field}_valid", condition=Q(**{f"{field}__in": choices.values})
    )


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SlugQuerySet(models.QuerySet):
    """Records whose slug is their natural key: fixtures and dumps refer to them by slug."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)


def count_related(
    queryset: models.QuerySet, outer_field: str, distinct_field: str = "pk"
) -> Coalesce:
    """Count rows of ``queryset`` pointing at the outer row, as a correlated subquery.

    Several counts on one listing then cost no extra joins and do not multiply each other the
    way ``Count()`` over two joined relations does, and they can still be sorted on.
    """
    sub = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count(distinct_field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


# --- provenance -------------------------------------------------------------------------------


class SourceQuerySet(models.QuerySet["Source"]):
    def get_by_natural_key(self, key: str) -> Source:
        return self.get(key=key)


class Source(models.Model):
    """A document a fact comes from: a paper, a web page, a declaration's own text."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=400)
    author = models.CharField(_("author"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = SourceQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(name="source_key_format", condition=Q(key__regex=SLUG_PATTERN)),
            models.CheckConstraint(
                name="source_year_range",
                condition=Q(year__isnull=True) | Q(year__range=(1800, 2200)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:source-detail", kwargs={"key": self.key})

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class Sourced(models.Model):
    """A fact that can cite where it comes from; ``source`` empty means the source is unknown."""

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,  # a fact must not silently lose its evidence
        null=True,
        blank=True,
        related_name="+",
    )
    source_locator = models.CharField(
        _("locator"), max_length=200, blank=True, help_text=_("Page, section or line numbers.")
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("Doubts, contradictions between sources, and how they were resolved."),
    )

    class Meta:
        abstract = True


# --- cities -----------------------------------------------------------------------------------


class LocalGovernmentKind(models.TextChoices):
    CITY = "city", _("city")
    MUNICIPALITY = "municipality", _("municipality")
    DISTRICT = "district", _("district / county")
    REGION = "region", _("region / state")


class CityQuerySet(SlugQuerySet):
    def for_listing(self) -> CityQuerySet:
        """Rows of the city listing: the membership count rides along as a subquery."""
        return self.annotate(
            n_networks=count_related(Membership.objects.all(), "city", "network")
        ).order_by("name", "pk")

    def for_profile(self) -> CityQuerySet:
        """Everything the networks app knows about a city, in two queries."""
        return self.select_related("source").prefetch_related(
            Prefetch(
                "memberships",
                Membership.objects.select_related("network", "source").order_by(
                    F("joined_on").asc(nulls_last=True), "network__name", "pk"
                ),
            )
        )

    def with_coordinates(self) -> CityQuerySet:
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class City(Sourced):
    """A local government acting beyond its borders (city, municipality, county or region)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    country = CountryField(_("country"))
    kind = models.CharField(
        _("kind of local government"),
        max_length=20,
        choices=LocalGovernmentKind.choices,
        default=LocalGovernmentKind.CITY,
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("One per line: other languages and spellings (Köln, Neapel)."),
    )
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True)

    objects = CityQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["name", "country"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            slug_constraint("city"),
            choices_constraint("city", "kind", LocalGovernmentKind),
            models.UniqueConstraint(fields=["name", "country"], name="city_unique_name_country"),
            models.CheckConstraint(name="city_country_set", condition=~Q(country="")),
            models.CheckConstraint(
                name="city_latitude_range",
                condition=Q(latitude__isnull=True) | Q(latitude__range=(-90, 90)),
            ),
            models.CheckConstraint(
                name="city_longitude_range",
                condition=Q(longitude__isnull=True) | Q(longitude__range=(-180, 180)),
            ),
            models.CheckConstraint(
                name="city_coordinates_paired",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
            ),
            models.CheckConstraint(
                name="city_wikidata_format",
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name

    def get_absolute_url(self) -> str:
        return reverse("site:city-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def region(self) -> str:
        """UN M49 world region, derived from the country rather than stored twice."""
        return region_of(self.country.code)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)


# --- networks ---------------------------------------------------------------------------------


class NetworkKind(models.TextChoices):
    CITY_NETWORK = "city_network", _("city network")
    MECHANISM = "mechanism", _("mechanism or initiative")
    ALLIANCE = "alliance", _("alliance")
    MOVEMENT = "movement", _("movement")
    ORGANISATION = "organisation", _("organisation")


class Scope(models.TextChoices):
    GLOBAL = "global", _("global")
    REGIONAL = "regional", _("regional")
    NATIONAL = "national", _("national")
    SUBNATIONAL = "subnational", _("sub-national")


class NetworkQuerySet(SlugQuerySet):
    def for_listing(self) -> NetworkQuerySet:
        return (
            self.select_related("parent")
            .annotate(n_members=count_related(Membership.objects.all(), "network", "city"))
            .order_by("name", "pk")
        )

    def for_profile(self, *, declarations: int = 20) -> NetworkQuerySet:
        """A network with its sections, the newest ``declarations`` texts it issued (as
        ``newest_declarations``) and how many it issued in all (``n_declarations``). Its members
        are many: the page reads them a page at a time."""
        declaration = Network._meta.get_field("declarations").related_model
        return (
            self.select_related("parent", "source")
            .annotate(n_declarations=count_related(declaration.objects.all(), "issuer"))
            .prefetch_related(
                Prefetch("children", Network.objects.order_by("name")),
                Prefetch(
                    "declarations",
                    declaration.objects.order_by(F("date").desc(nulls_last=True), "title", "pk")[
                        :declarations
                    ],
                    to_attr="newest_declarations",
                ),
            )
        )

    def sharing_members_with(
        self, network: Network, city_ids: Iterable[int] | models.QuerySet
    ) -> NetworkQuerySet:
        """Other networks ranked by how many of these member cities (ids, or a subquery giving
        them) they share."""
        return (
            self.exclude(pk=network.pk)
            .filter(memberships__city__in=city_ids)
            .annotate(n_shared=Count("memberships__city", distinct=True))
            .order_by("-n_shared", "name")
        )


class Network(Sourced):
    """A city network, mechanism, alliance, movement or organisation that cities act through."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=NetworkKind.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, blank=True)
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("Where it acts, e.g. Europe, Africa, Germany."),
    )
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    aliases = models.TextField(_("other names"), blank=True, help_text=_("One per line."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent network"),
        on_delete=models.PROTECT,  # regional sections must be re-homed before their parent goes
        null=True,
        blank=True,
        related_name="children",
    )
    has_formal_membership = models.BooleanField(
        _("has formal membership"),
        default=True,
        help_text=_(
            "Some bodies (the Mayors Migration Council, for one) have no members, only partners."
        ),
    )

    objects = NetworkQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network or organisation")
        verbose_name_plural = _("networks and organisations")
        constraints = [
            slug_constraint("network"),
            choices_constraint("network", "kind", NetworkKind),
            models.CheckConstraint(
                name="network_scope_valid", condition=Q(scope="") | Q(scope__in=Scope.values)
            ),
            models.CheckConstraint(
                name="network_founded_range",
                condition=Q(founded_year__isnull=True) | Q(founded_year__range=(1800, 2200)),
            ),
            models.CheckConstraint(name="network_not_own_parent", condition=~Q(parent=F("pk"))),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:network-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    def clean(self) -> None:
        seen = {self.pk}
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("A network cannot sit below itself.")})
            seen.add(node.pk)
            node = node.parent


# --- memberships ------------------------------------------------------------------------------


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    FOUNDER = "founder", _("founder")
    CO_LEAD = "co_lead", _("co-lead")
    HOST = "host", _("host")
    BOARD = "board", _("board")
    OBSERVER = "observer", _("observer")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def get_by_natural_key(self, city: str, network: str, role: str) -> Membership:
        return self.get(city__slug=city, network__slug=network, role=role)


class Membership(Sourced):
    """A city's role in a network over a span of time."""

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="memberships"
    )
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    joined_on_precision = precision_field(_("joined (precision)"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    left_on_precision = precision_field(_("left (precision)"))

    objects = MembershipQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["network__name", "city__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            choices_constraint("membership", "role", Role),
            # One row per city, network and role; a span that ended and restarted is one row with notes.
            models.UniqueConstraint(
                fields=["city", "network", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                name="membership_left_after_joined",
                condition=Q(joined_on__isnull=True)
                | Q(left_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
            ),
            precision_constraint("membership", "joined_on"),
            precision_constraint("membership", "left_on"),
        ]

    def __str__(self) -> str:
        return f"{self.city.name} – {self.network} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return f"{self.network.get_absolute_url()}#membership-{self.pk}"

    def natural_key(self) -> tuple[str, str, str]:
        return (self.city.slug, self.network.slug, self.role)

    natural_key.dependencies = ["networks.city", "networks.network"]  # type: ignore[attr-defined]

    @property
    def joined_display(self) -> str:
        return format_partial_date(self.joined_on, self.joined_on_precision)

    @property
    def left_display(self) -> str:
        return format_partial_date(self.left_on, self.left_on_precision)

    def clean(self) -> None:
        clean_partial_date(self, "joined_on")
        clean_partial_date(self, "left_on")
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("A membership cannot end before it starts.")})
        if (
            self.network_id
            and self.role == Role.MEMBER
            and not Network.objects.filter(pk=self.network_id, has_formal_membership=True).exists()
        ):
            raise ValidationError(
                {"role": _("This network has no formal membership; record the city's actual role.")}
            )
