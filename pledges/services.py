"""Writes for pledges: the one place the rules live, shared by the forms and the write API.

Every function is atomic, checks who is acting, collects *all* field errors before raising one
``ValidationError`` (so a form or a 400 shows every problem at once), runs ``full_clean()`` and only
then saves. A failed call leaves the database as it was. Access problems raise ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from declarations.models import Event
from networks.dates import DatePrecision
from pledges import access, notifications
from pledges.models import (
    ALLOWED_TRANSITIONS,
    COMMENT_MAX,
    COMMENT_REQUIRED,
    EDITABLE_STATES,
    SUBMIT_DESCRIPTION_MAX,
    SUBMIT_DESCRIPTION_MIN,
    ModerationState,
    Objective,
    Pledge,
    PledgeTransition,
    ProgressReport,
)

# What city staff may set on a pledge; everything else (state, status, source) is the workflow's.
PLEDGE_FIELDS = (
    "city",
    "title",
    "description",
    "pledge_type",
    "event",
    "planned_start",
    "planned_end",
    "evidence_url",
)
PLEDGE_RELATIONS = ("objectives", "partner_cities", "partner_networks")


class TransitionConflict(ValidationError):
    """Someone else moved the pledge first (e.g. two moderators approving at once)."""


def _grouped(n: int) -> str:
    """3,000 in English, 3.000 in German."""
    return number_format(n, force_grouping=True)


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for field, messages in exc.update_error_dict({}).items():
        errors.setdefault(field, []).extend(str(m) for m in messages)


def _null_character_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """Texts holding NUL, by field. PostgreSQL refuses NUL in any query (psycopg2 raises
    ValueError, a 500, already in full_clean()'s constraint checks) and SQLite's length() stops
    counting at it, so the length CHECKs disagree with Python. The forms and the API refuse NUL
    themselves; the services refuse it for every other caller. (Found by
    tests/pledges/test_properties.py.)"""
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        if isinstance(value, str):
            try:
                ProhibitNullCharactersValidator()(value)
            except ValidationError as exc:
                errors[name] = list(exc.messages)
    return errors


def _submission_errors(
    pledge: Pledge, objectives: Iterable[Objective] | None
) -> dict[str, list[str]]:
    """What a pledge needs before moderators see it (drafts may be incomplete)."""
    errors: dict[str, list[str]] = {}
    length = len(pledge.description.strip())
    if not SUBMIT_DESCRIPTION_MIN <= length <= SUBMIT_DESCRIPTION_MAX:
        errors["description"] = [
            _(
                "To submit, describe the pledge in %(min)s to %(max)s characters "
                "(now %(n)s), as the GCM pledging form asks."
            )
            % {"min": SUBMIT_DESCRIPTION_MIN, "max": _grouped(SUBMIT_DESCRIPTION_MAX), "n": length}
        ]
    if objectives is not None:
        chosen = list(objectives)
    else:  # not given: what the pledge already has (nothing yet for a new one)
        chosen = list(pledge.objectives.all()) if pledge.pk else []
    if not chosen:
        errors["objectives"] = [_("To submit, choose at least one GCM, GCR or SDG objective.")]
    return errors


def _write(
    *,
    pledge: Pledge,
    user: Any,
    fields: dict[str, Any],
    submit: bool,
) -> Pledge:
    unknown = set(fields) - set(PLEDGE_FIELDS) - set(PLEDGE_RELATIONS)
    if unknown:
        raise TypeError(f"not pledge fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}

    for name in PLEDGE_FIELDS:
        if name in fields:
            value = fields[name]
            # None means "empty" for the text columns, which are NOT NULL. (pledge_type is
            # blank=True, so full_clean() lets None through to an IntegrityError, a 500: found by
            # tests/pledges/test_properties.py.)
            if name in ("title", "description", "pledge_type", "evidence_url") and value is None:
                value = ""
            setattr(pledge, name, value.strip() if isinstance(value, str) else value)
    if pledge.city_id is None:
        errors["city"] = [_("Choose the city that makes the pledge.")]
    elif not access.is_city_staff(user, pledge.city_id):
        errors["city"] = [_("You can only pledge for a city you are staff of.")]

    errors.update(_null_character_errors({name: getattr(pledge, name) for name in PLEDGE_FIELDS}))
    try:
        # Fields in error are left out: their constraint checks would run queries with them.
        pledge.full_clean(exclude=[*errors], validate_unique=True)
    except ValidationError as exc:
        _merge(errors, exc)

    # None means "none chosen", as it means "empty" for the text columns above.
    relations = {name: list(fields[name] or ()) for name in PLEDGE_RELATIONS if name in fields}
    if pledge.city_id and any(c.pk == pledge.city_id for c in relations.get("partner_cities", [])):
        errors.setdefault("partner_cities", []).append(
            _("The pledging city cannot also be its own partner.")
        )
    if submit:
        for field, messages in _submission_errors(pledge, relations.get("objectives")).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    pledge.save()
    for name, values in relations.items():
        getattr(pledge, name).set(values)
    if submit:
        _move(pledge=pledge, actor=user, to_state=ModerationState.SUBMITTED)
    return pledge


@transaction.atomic
def pledge_create(*, user: Any, submit: bool = False, **fields: Any) -> Pledge:
    """A new pledge of one of the user's cities, saved as a draft or submitted at once."""
    if not access.is_city_staff(user):
        raise PermissionDenied(_("Only city staff can enter pledges."))
    pledge = Pledge(submitted_by=user, moderation_state=ModerationState.DRAFT)
    return _write(pledge=pledge, user=user, fields=fields, submit=submit)


def _lock(pledge: Pledge) -> Pledge:
    """The pledge's row, locked for this transaction (PostgreSQL; SQLite serialises writers)."""
    return Pledge.objects.select_for_update().get(pk=pledge.pk)


@transaction.atomic
def pledge_update(*, pledge: Pledge, user: Any, submit: bool = False, **fields: Any) -> Pledge:
    """Change a draft (or a pledge sent back for changes); with ``submit`` send it for review.

    Fields not given keep their value, so the API's PATCH and the full form share this path.
    """
    current = _lock(pledge)
    if not access.is_city_staff(user, current.city_id):
        raise PermissionDenied(_("Only staff of the pledge's city can change it."))
    if current.moderation_state not in EDITABLE_STATES:
        raise PermissionDenied(
            _("This pledge is %(state)s and can no longer be changed.")
            % {"state": current.get_moderation_state_display()}
        )
    return _write(pledge=current, user=user, fields=fields, submit=submit)


def pledge_submit(*, pledge: Pledge, user: Any) -> Pledge:
    """Send a draft (or a revised pledge) to the moderators as it stands."""
    return pledge_update(pledge=pledge, user=user, submit=True)


def _move(*, pledge: Pledge, actor: Any, to_state: str, comment: str = "") -> PledgeTransition:
    """Move the pledge one step and record it; the caller holds the transaction."""
    from_state = pledge.moderation_state
    if (from_state, to_state) not in ALLOWED_TRANSITIONS:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("A pledge cannot go from %(from)s to %(to)s.")
                    % {
                        "from": ModerationState(from_state).label,
                        "to": ModerationState(to_state).label,
                    }
                ]
            }
        )
    # Compare and swap: of two requests racing from the same state, exactly one moves it.
    moved = Pledge.objects.filter(pk=pledge.pk, moderation_state=from_state).update(
        moderation_state=to_state
    )
    if not moved:
        raise TransitionConflict(
            {NON_FIELD_ERRORS: [_("Someone else has just acted on this pledge; reload it.")]}
        )
    pledge.moderation_state = to_state
    if to_state == ModerationState.PUBLISHED and pledge.made_on is None:
        _date_pledge(pledge)
    pledge.save()  # the public history records each published version
    step = PledgeTransition(
        pledge=pledge, from_state=from_state, to_state=to_state, actor=actor, comment=comment
    )
    step.full_clean()
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError as exc:  # the database's own guard against a double publication
        raise TransitionConflict(
            {NON_FIELD_ERRORS: [_("Someone else has just acted on this pledge; reload it.")]}
        ) from exc
    transaction.on_commit(lambda: notifications.transition_made(step))
    return step


def _date_pledge(pledge: Pledge) -> None:
    """A pledge made at an event dates from it; otherwise from the day it was published."""
    event = pledge.event
    if event is not None and event.start_date is not None:
        pledge.made_on = event.start_date
        pledge.made_on_precision = event.start_date_precision
    else:
        pledge.made_on = timezone.localdate()
        pledge.made_on_precision = DatePrecision.DAY


DECISIONS = {
    "approve": ModerationState.PUBLISHED,
    "request_changes": ModerationState.CHANGES_REQUESTED,
    "reject": ModerationState.REJECTED,
}


@transaction.atomic
def pledge_decide(
    *, pledge: Pledge, moderator: Any, decision: str, comment: str = ""
) -> PledgeTransition:
    """A moderator's decision on a submitted pledge: approve, request changes, or reject."""
    if not access.is_moderator(moderator):
        raise PermissionDenied(_("Only moderators decide on pledges."))
    if decision not in DECISIONS:
        raise ValidationError({"decision": [_("Choose approve, request changes or reject.")]})
    to_state = DECISIONS[decision]
    comment = (comment or "").strip()
    errors: dict[str, list[str]] = _null_character_errors({"comment": comment})
    if to_state in COMMENT_REQUIRED and not comment:
        errors["comment"] = [
            _("Tell the city what to change.")
            if to_state == ModerationState.CHANGES_REQUESTED
            else _("Give the reason for the rejection.")
        ]
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [
            _("Keep the comment under %(n)s characters.") % {"n": _grouped(COMMENT_MAX)}
        ]
    if errors:
        raise ValidationError(errors)
    current = _lock(pledge)
    if current.moderation_state != ModerationState.SUBMITTED:
        raise TransitionConflict(
            {
                NON_FIELD_ERRORS: [
                    _("This pledge is %(state)s, not awaiting moderation.")
                    % {"state": current.get_moderation_state_display()}
                ]
            }
        )
    return _move(pledge=current, actor=moderator, to_state=to_state, comment=comment)


def pledge_approve(*, pledge: Pledge, moderator: Any, comment: str = "") -> PledgeTransition:
    return pledge_decide(pledge=pledge, moderator=moderator, decision="approve", comment=comment)


def pledge_request_changes(*, pledge: Pledge, moderator: Any, comment: str) -> PledgeTransition:
    return pledge_decide(
        pledge=pledge, moderator=moderator, decision="request_changes", comment=comment
    )


def pledge_reject(*, pledge: Pledge, moderator: Any, comment: str) -> PledgeTransition:
    return pledge_decide(pledge=pledge, moderator=moderator, decision="reject", comment=comment)


# --- progress reports -------------------------------------------------------------------------


@transaction.atomic
def progress_report_create(
    *,
    pledge: Pledge,
    user: Any,
    reported_on: datetime.date | None,
    status: str,
    narrative: str,
    evidence_url: str = "",
    review: Event | None = None,
) -> ProgressReport:
    """Add a dated report to a published pledge; the newest report sets the pledge's status."""
    current = _lock(pledge)
    if not access.can_report(user, current):
        raise PermissionDenied(
            _("Only staff of the pledge's city report on it, once it is published.")
        )
    report = ProgressReport(
        pledge=current,
        reported_on=reported_on,
        status=status,
        narrative=(narrative or "").strip(),
        evidence_url=(evidence_url or "").strip(),
        review=review,
        created_by=user,
    )
    errors = _null_character_errors(
        {
            "status": report.status,
            "narrative": report.narrative,
            "evidence_url": report.evidence_url,
        }
    )
    try:
        report.full_clean(exclude=["pledge", "created_by", *errors])
    except ValidationError as exc:
        _merge(errors, exc)
    if reported_on and reported_on > timezone.localdate():
        errors.setdefault("reported_on", []).append(_("A report cannot be dated in the future."))
    if errors:
        raise ValidationError(errors)
    report.save()
    latest = current.progress_reports.order_by("-reported_on", "-created_at", "-pk").first()
    if latest is not None and current.status != latest.status:
        current.status = latest.status
        current.save()
    return report
