"""Events where cities meet, the declarations they adopt, and who signed them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.dates import (
    clean_partial_date,
    format_partial_date,
    precision_constraint,
    precision_field,
)
from networks.history import record_history
from networks.models import (
    City,
    Network,
    SlugQuerySet,
    Sourced,
    choices_constraint,
    count_related,
    slug_constraint,
    split_lines,
)


def _published_pledges() -> models.QuerySet:
    """Published pledges made at events, reached through the relation the pledges app declares.

    The pledges app sits above this one and is not imported; its own ``published()`` rule is
    still the one applied.
    """
    pledge = Event._meta.get_field("pledges").related_model
    return pledge.objects.published().select_related("city", "network").order_by("title", "pk")


class EventSeries(models.Model):
    """A recurring meeting (GFMD, Global Mayoral Forum, GRF, IMRF, UCLG Congress)."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    organiser = models.ForeignKey(
        Network,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_series",
    )
    description = models.TextField(_("description"), blank=True)

    objects = SlugQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("event series")
        verbose_name_plural = pgettext_lazy("plural", "event series")
        constraints = [slug_constraint("eventseries")]

    def __str__(self) -> str:
        return self.acronym or self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('declarations:event-list')}?series={self.slug}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class EventQuerySet(SlugQuerySet):
    def for_listing(self) -> EventQuerySet:
        return (
            self.select_related("series", "city")
            .annotate(n_declarations=count_related(Declaration.objects.all(), "event"))
            .order_by(F("start_date").asc(nulls_last=True), "name", "pk")
        )

    def for_profile(self, *, shown: int = 20) -> EventQuerySet:
        """An event with its series' other editions and its organisers, the first ``shown``
        declarations adopted and published pledges made there, and how many there are of each
        (``n_declarations``, ``n_published_pledges``): a summit may see hundreds of pledges."""
        return (
            self.select_related("series", "city", "source")
            .annotate(
                n_declarations=count_related(Declaration.objects.all(), "event"),
                n_published_pledges=count_related(_published_pledges(), "event"),
            )
            .prefetch_related(
                Prefetch("organisers", Network.objects.order_by("name")),
                Prefetch(
                    "series__events",
                    Event.objects.order_by(F("edition").asc(nulls_last=True), "start_date", "pk"),
                ),
                Prefetch(
                    "declarations",
                    Declaration.objects.select_related("issuer").order_by(
                        F("date").desc(nulls_last=True), "title", "pk"
                    )[:shown],
                    to_attr="shown_declarations",
                ),
                Prefetch("pledges", _published_pledges()[:shown], to_attr="published_pledges"),
            )
        )


class Event(Sourced):
    """A conference, forum or summit; one edition of a series where there is one."""

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    series = models.ForeignKey(
        EventSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    edition = models.PositiveSmallIntegerField(_("edition"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    start_date_precision = precision_field(_("start date (precision)"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    city = models.ForeignKey(
        City,
        verbose_name=_("host city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events_hosted",
    )
    organisers = models.ManyToManyField(
        Network, verbose_name=_("organisers"), blank=True, related_name="events_organised"
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = EventQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["start_date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            slug_constraint("event"),
            precision_constraint("event", "start_date"),
            models.UniqueConstraint(fields=["series", "edition"], name="event_unique_edition"),
            models.CheckConstraint(
                name="event_edition_needs_series",
                condition=Q(edition__isnull=True) | Q(series__isnull=False),
            ),
            models.CheckConstraint(name="event_edition_positive", condition=~Q(edition=0)),
            models.CheckConstraint(
                name="event_ends_after_start",
                condition=Q(end_date__isnull=True)
                | (Q(start_date__isnull=False) & Q(end_date__gte=F("start_date"))),
            ),
        ]

    def __str__(self) -> str:
        if self.start_date and str(self.start_date.year) not in self.name:
            return f"{self.name} ({self.start_date.year})"
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("declarations:event-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.start_date, self.start_date_precision)

    def clean(self) -> None:
        clean_partial_date(self, "start_date")
        if self.end_date and not self.start_date:
            raise ValidationError(
                {"start_date": _("An event with an end date needs a start date.")}
            )
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("An event cannot end before it starts.")})
        if self.edition is not None and self.series_id is None:
            raise ValidationError({"edition": _("An edition number belongs to a series.")})


class Topic(models.Model):
    """A theme a declaration addresses (sea rescue, access to services, climate and migration...)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    objects = SlugQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [slug_constraint("topic")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('declarations:declaration-list')}?topic={self.slug}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class DeclarationKind(models.TextChoices):
    DECLARATION = "declaration", _("declaration")
    CHARTER = "charter", _("charter")
    STATEMENT = "statement", _("statement")
    LETTER = "letter", _("letter")
    POSITION_PAPER = "position_paper", _("position paper")
    COUNCIL_RESOLUTION = "council_resolution", _("council resolution")
    REPORT = "report", _("report")


class CountQualifier(models.TextChoices):
    EXACTLY = "exactly", _("exactly")
    MORE_THAN = "more_than", _("more than")
    ABOUT = "about", _("about")
    AT_LEAST = "at_least", _("at least")


class DeclarationQuerySet(SlugQuerySet):
    def for_listing(self) -> DeclarationQuerySet:
        return (
            self.select_related("issuer", "event")
            .annotate(n_signatures=count_related(Signature.objects.all(), "declaration"))
            .order_by(F("date").desc(nulls_last=True), "title", "pk")
        )

    def for_profile(self) -> DeclarationQuerySet:
        """A declaration with its topics. Its signatories may be many: the page reads them a
        page at a time (``Signature.objects.for_declaration``)."""
        return self.select_related("issuer", "event", "source").prefetch_related(
            Prefetch("topics", Topic.objects.order_by("name"))
        )


class Declaration(Sourced):
    """A text cities or their networks adopted: declaration, charter, statement, letter..."""

    title = models.CharField(_("title"), max_length=400)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    aliases = models.TextField(
        _("other titles"),
        blank=True,
        help_text=_("One per line: the same text under other titles."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeclarationKind.choices)
    issuer = models.ForeignKey(
        Network,
        verbose_name=_("issuing network or organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
    )
    issuer_text = models.CharField(
        _("issuer as named"),
        max_length=300,
        blank=True,
        help_text=_("Who issued it, in the source's words, where that is no network on record."),
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("adopted at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date (precision)"))
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("e.g. en, de, fr")
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="declarations"
    )
    url = models.URLField(_("URL of the text"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    declared_signatory_count = models.PositiveIntegerField(
        _("declared number of signatories"),
        null=True,
        blank=True,
        help_text=_("For texts whose signatories are not named, e.g. 'more than 30 cities'."),
    )
    declared_count_qualifier = models.CharField(
        _("qualifier"), max_length=10, choices=CountQualifier.choices, blank=True
    )

    objects = DeclarationQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            slug_constraint("declaration"),
            choices_constraint("declaration", "kind", DeclarationKind),
            precision_constraint("declaration", "date"),
            models.CheckConstraint(
                name="declaration_count_qualified",
                condition=Q(declared_signatory_count__isnull=True, declared_count_qualifier="")
                | Q(
                    declared_signatory_count__isnull=False,
                    declared_count_qualifier__in=CountQualifier.values,
                ),
            ),
        ]
        indexes = [models.Index(fields=["date"], name="declaration_date_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date.year})" if self.date else self.title

    def get_absolute_url(self) -> str:
        return reverse("declarations:declaration-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def declared_count_display(self) -> str:
        if self.declared_signatory_count is None:
            return ""
        if self.declared_count_qualifier == CountQualifier.EXACTLY:
            return str(self.declared_signatory_count)
        return f"{self.get_declared_count_qualifier_display()} {self.declared_signatory_count}"

    def clean(self) -> None:
        clean_partial_date(self, "date")
        if self.declared_signatory_count is not None and not self.declared_count_qualifier:
            self.declared_count_qualifier = CountQualifier.EXACTLY
        if self.declared_signatory_count is None and self.declared_count_qualifier:
            raise ValidationError(
                {"declared_signatory_count": _("Give the number the qualifier is about.")}
            )


class SignatureQuerySet(models.QuerySet["Signature"]):
    def get_by_natural_key(self, declaration: str, city: str) -> Signature:
        return self.get(declaration__slug=declaration, city__slug=city)

    def for_declaration(self, declaration: Declaration) -> SignatureQuerySet:
        """The rows of a declaration's table of signatories, in the table's order."""
        return (
            self.filter(declaration=declaration)
            .select_related("city", "source")
            .order_by("city__name", "pk")
        )


class Signature(Sourced):
    """A city that signed (or formally endorsed) a declaration."""

    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("declaration"),
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="signatures"
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    signed_on_precision = precision_field(_("signed (precision)"))
    signatory_office = models.CharField(
        _("signatory's office"), max_length=200, blank=True, help_text=_("e.g. Mayor, Lord Mayor")
    )

    objects = SignatureQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["declaration__title", "city__name"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "city"], name="signature_unique_city"),
            precision_constraint("signature", "signed_on"),
        ]

    def __str__(self) -> str:
        return f"{self.city.name} – {self.declaration.title}"

    def get_absolute_url(self) -> str:
        return f"{self.declaration.get_absolute_url()}#signature-{self.pk}"

    def natural_key(self) -> tuple[str, str]:
        return (self.declaration.slug, self.city.slug)

    natural_key.dependencies = ["declarations.declaration", "networks.city"]  # type: ignore[attr-defined]

    @property
    def signed_display(self) -> str:
        return format_partial_date(self.signed_on, self.signed_on_precision)

    def clean(self) -> None:
        clean_partial_date(self, "signed_on")
