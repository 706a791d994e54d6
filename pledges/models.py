"""Pledges cities (and networks) make to the UN compacts, and the progress they report."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from declarations.models import Event
from networks.dates import (
    clean_partial_date,
    format_partial_date,
    precision_constraint,
    precision_field,
)
from networks.history import record_history
from networks.models import City, Network, Sourced, choices_constraint

# The frameworks are fixed UN texts; their objective counts are part of the data model.
OBJECTIVE_COUNTS = {"GCM": 23, "GCR": 4, "SDG": 17}

# A pledge's description: what the database holds at most, and what a submission needs. The
# submission range is the GCM pledging form's, so a submitted pledge fits the UN form as it is.
DESCRIPTION_MAX = 5000
SUBMIT_DESCRIPTION_MIN = 300
SUBMIT_DESCRIPTION_MAX = 3000
COMMENT_MAX = 2000


def chars_at_most(field: str, limit: int) -> Q:
    """A text length limit as a CHECK: ``max_length`` on a TextField is only a form rule."""
    return Q(LessThanOrEqual(Length(field), limit))


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def get_by_natural_key(self, code: str) -> Framework:
        return self.get(code=code)


class Framework(models.Model):
    """A UN framework pledges are mapped to: the GCM, the GCR or the 2030 Agenda (SDGs)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    adopted_on = models.DateField(_("adopted"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = FrameworkQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.CheckConstraint(
                name="framework_code_known", condition=Q(code__in=list(OBJECTIVE_COUNTS))
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return f"{reverse('pledges:pledge-list')}?compact={self.code}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ObjectiveQuerySet(models.QuerySet["Objective"]):
    def get_by_natural_key(self, framework: str, number: int) -> Objective:
        return self.get(framework__code=framework, number=number)


class Objective(models.Model):
    """One numbered objective of a framework (GCM objective 15, SDG 11...)."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        to_field="code",  # the code in the column lets a CHECK bound the number per framework
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    objects = ObjectiveQuerySet.as_manager()
    history = record_history()

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="objective_unique_number"),
            models.CheckConstraint(
                name="objective_number_in_framework",
                condition=Q(
                    *[
                        Q(framework=code, number__range=(1, n))
                        for code, n in OBJECTIVE_COUNTS.items()
                    ],
                    _connector=Q.OR,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return f"{reverse('pledges:pledge-list')}?objective={self.pk}"

    def natural_key(self) -> tuple[str, int]:
        return (self.framework_id, self.number)

    @property
    def label(self) -> str:
        return f"{self.framework_id} {self.number}"

    def clean(self) -> None:
        limit = OBJECTIVE_COUNTS.get(self.framework_id or "")
        if limit and not 1 <= (self.number or 0) <= limit:
            raise ValidationError(
                {
                    "number": _("%(fw)s has objectives 1 to %(n)s.")
                    % {"fw": self.framework_id, "n": limit}
                }
            )


class PledgeType(models.TextChoices):
    POLICY = "policy", _("policy")
    FINANCIAL = "financial", _("financial")
    PROGRAMME = "programme", _("programme")
    CAPACITY = "capacity", _("capacity")


class ModerationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


class ImplementationStatus(models.TextChoices):
    PLANNING = "planning", _("planning")
    IN_PROGRESS = "in_progress", _("in progress")
    FULFILLED = "fulfilled", _("fulfilled")


# A pledge's date for sorting newest first, with unknown dates as the oldest: one non-null key,
# so a cursor past a given date is a plain index range (``made_on DESC NULLS LAST`` is the same
# order, but "after this row" is then an OR with IS NULL, which no index range serves).
MADE_KEY = Coalesce("made_on", Value(dt.date.min), output_field=models.DateField())


class PledgeQuerySet(models.QuerySet["Pledge"]):
    def get_by_natural_key(self, key: str) -> Pledge:
        return self.get(uuid=key)

    def published(self) -> PledgeQuerySet:
        """What the public pages and the API may show."""
        return self.filter(moderation_state=ModerationState.PUBLISHED)

    def with_listing_joins(self) -> PledgeQuerySet:
        """Actor, event and objectives of each row (three queries a page), in any state."""
        return self.select_related("city", "network", "event").prefetch_related(
            Prefetch("objectives", Objective.objects.order_by("framework", "number"))
        )

    def with_profile_joins(self) -> PledgeQuerySet:
        return (
            self.with_listing_joins()
            .select_related("source")
            .prefetch_related(
                Prefetch("partner_cities", City.objects.order_by("name")),
                Prefetch("partner_networks", Network.objects.order_by("name")),
                Prefetch(
                    "progress_reports",
                    ProgressReport.objects.select_related("review").order_by(
                        "-reported_on", "-created_at", "-pk"
                    ),
                ),
            )
        )

    def for_listing(self) -> PledgeQuerySet:
        """Published pledges with their actor, event and objectives (three queries a page)."""
        return (
            self.published()
            .with_listing_joins()
            .order_by(F("made_on").desc(nulls_last=True), "-created_at", "pk")
        )

    def for_profile(self) -> PledgeQuerySet:
        return self.published().with_profile_joins()

    def towards(self, framework: str) -> PledgeQuerySet:
        """Pledges mapped to at least one objective of a framework (GCM, GCR or SDG)."""
        link = Pledge.objectives.through.objects.filter(
            pledge=OuterRef("pk"), objective__framework=framework
        )
        return self.filter(Exists(link))


class Pledge(Sourced):
    """A commitment made by a city (or, for collective commitments, a network)."""

    uuid = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("pledging network"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
        help_text=_("For a collective commitment made by a network rather than one city."),
    )
    actor_text = models.CharField(
        _("actor as named"),
        max_length=300,
        blank=True,
        help_text=_("Who made it, in the source's words."),
    )
    partner_cities = models.ManyToManyField(
        City, verbose_name=_("partner cities"), blank=True, related_name="partner_pledges"
    )
    partner_networks = models.ManyToManyField(
        Network, verbose_name=_("partner networks"), blank=True, related_name="partner_pledges"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectives"), blank=True, related_name="pledges"
    )
    pledge_type = models.CharField(_("type"), max_length=20, choices=PledgeType.choices, blank=True)
    event = models.ForeignKey(
        Event,
        verbose_name=_("made at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pledges",
    )
    made_on = models.DateField(_("made on"), null=True, blank=True)
    made_on_precision = precision_field(_("made on (precision)"))
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence URL"), max_length=500, blank=True)
    moderation_state = models.CharField(
        _("moderation state"),
        max_length=20,
        choices=ModerationState.choices,
        default=ModerationState.DRAFT,
    )
    status = models.CharField(
        _("implementation status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        default=ImplementationStatus.PLANNING,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,  # a pledge outlives the account that entered it
        null=True,
        blank=True,
        related_name="pledges_submitted",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PledgeQuerySet.as_manager()
    # the row's own clock: history_date already dates each version
    history = record_history(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-made_on", "-created_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            choices_constraint("pledge", "moderation_state", ModerationState),
            choices_constraint("pledge", "status", ImplementationStatus),
            models.CheckConstraint(
                name="pledge_type_valid",
                condition=Q(pledge_type="") | Q(pledge_type__in=PledgeType.values),
            ),
            models.CheckConstraint(
                name="pledge_has_actor", condition=Q(city__isnull=False) | Q(network__isnull=False)
            ),
            models.CheckConstraint(name="pledge_title_set", condition=~Q(title="")),
            models.CheckConstraint(
                name="pledge_planned_order",
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
            ),
            precision_constraint("pledge", "made_on"),
            models.CheckConstraint(
                name="pledge_description_length",
                condition=chars_at_most("description", DESCRIPTION_MAX),
            ),
            # What the moderators get to read is complete: a city, and a description the UN
            # pledging forms accept (the GCM form takes 300 to 3,000 characters).
            models.CheckConstraint(
                name="pledge_submitted_complete",
                condition=~Q(moderation_state=ModerationState.SUBMITTED)
                | (
                    Q(city__isnull=False)
                    & Q(GreaterThanOrEqual(Length("description"), SUBMIT_DESCRIPTION_MIN))
                    & chars_at_most("description", SUBMIT_DESCRIPTION_MAX)
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["moderation_state", "made_on"], name="pledge_state_made_idx"),
            # The orders of the published listings have PostgreSQL indexes of their own
            # (migration 0008: SQLite cannot index NULLS LAST).
        ]
        permissions = [("moderate_pledge", _("Can moderate submitted pledges"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pledges:pledge-detail", kwargs={"pk": self.pk})

    def natural_key(self) -> tuple[str]:
        return (str(self.uuid),)

    @property
    def actor(self) -> City | Network | None:
        return self.city or self.network

    @property
    def made_display(self) -> str:
        return format_partial_date(self.made_on, self.made_on_precision)

    def clean(self) -> None:
        clean_partial_date(self, "made_on")
        if self.city_id is None and self.network_id is None:
            raise ValidationError({"city": _("Say which city (or network) made the pledge.")})
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            raise ValidationError(
                {"planned_end": _("The planned end cannot come before the start.")}
            )


class ProgressReport(models.Model):
    """A dated account of how a published pledge is being implemented."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    reported_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=ImplementationStatus.choices)
    narrative = models.TextField(_("narrative"), max_length=5000)
    evidence_url = models.URLField(_("evidence URL"), max_length=500, blank=True)
    review = models.ForeignKey(
        Event,
        verbose_name=_("review cycle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        help_text=_("The review the report was made for, e.g. GRF 2023 or IMRF 2022."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = record_history()

    class Meta:
        ordering = ["pledge", "-reported_on", "-created_at"]
        get_latest_by = ["reported_on", "created_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            choices_constraint("progressreport", "status", ImplementationStatus),
            models.CheckConstraint(name="progressreport_narrative_set", condition=~Q(narrative="")),
            models.CheckConstraint(
                name="progressreport_narrative_length",
                condition=chars_at_most("narrative", 5000),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} – {self.reported_on:%Y-%m-%d} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return f"{self.pledge.get_absolute_url()}#report-{self.pk}"


# --- who may write: city staff and moderators ---------------------------------------------------


class CityStaff(models.Model):
    """A user who speaks for a city: may draft, submit and report on that city's pledges.

    Assigned by moderators in the admin; a user may be staff of several cities.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="city_staff",
    )
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="staff"
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["city__name", "user__username"]
        verbose_name = _("city staff member")
        verbose_name_plural = _("city staff")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="citystaff_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.city}"


# --- moderation -------------------------------------------------------------------------------

# Every move the workflow allows: (from, to). The same list is the service's rule and a CHECK.
ALLOWED_TRANSITIONS: tuple[tuple[str, str], ...] = (
    (ModerationState.DRAFT, ModerationState.SUBMITTED),
    (ModerationState.CHANGES_REQUESTED, ModerationState.SUBMITTED),
    (ModerationState.SUBMITTED, ModerationState.PUBLISHED),
    (ModerationState.SUBMITTED, ModerationState.CHANGES_REQUESTED),
    (ModerationState.SUBMITTED, ModerationState.REJECTED),
)
# Decisions that must tell the author why.
COMMENT_REQUIRED = (ModerationState.CHANGES_REQUESTED, ModerationState.REJECTED)
# States in which the city's staff may still change the pledge.
EDITABLE_STATES = (ModerationState.DRAFT, ModerationState.CHANGES_REQUESTED)


class PledgeTransitionQuerySet(models.QuerySet["PledgeTransition"]):
    def for_history(self) -> PledgeTransitionQuerySet:
        return self.select_related("actor").order_by("-created_at", "-pk")


class PledgeTransition(models.Model):
    """One step of a pledge through moderation: who moved it, when, from where to where, and why.

    Private: shown to the pledge's city staff and to moderators, never in public pages or data.
    """

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=ModerationState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ModerationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,  # the record of the decision outlives the account
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = PledgeTransitionQuerySet.as_manager()

    class Meta:
        ordering = ["pledge", "created_at", "pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("moderation step")
        verbose_name_plural = _("moderation history")
        constraints = [
            models.CheckConstraint(
                name="pledgetransition_allowed",
                condition=Q(
                    *[Q(from_state=a, to_state=b) for a, b in ALLOWED_TRANSITIONS],
                    _connector=Q.OR,
                ),
            ),
            models.CheckConstraint(
                name="pledgetransition_comment_given",
                condition=~Q(to_state__in=COMMENT_REQUIRED) | ~Q(comment=""),
            ),
            models.CheckConstraint(
                name="pledgetransition_comment_length",
                condition=chars_at_most("comment", COMMENT_MAX),
            ),
            # Publication is final, so it happens once: a second approval racing the first
            # cannot leave a second record.
            models.UniqueConstraint(
                fields=["pledge"],
                condition=Q(to_state=ModerationState.PUBLISHED),
                name="pledgetransition_published_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge_id}: {self.from_state} → {self.to_state}"
