"""E-mails the moderation workflow sends. Called by the services after the transaction commits,
so a rolled-back decision never mails anyone; a failing mail server never undoes a decision."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from pledges import access
from pledges.models import ModerationState

if TYPE_CHECKING:
    from pledges.models import PledgeTransition

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def city_staff_addresses(transition: PledgeTransition) -> list[str]:
    """Everyone who speaks for the pledge's city, and whoever entered it."""
    pledge = transition.pledge
    users = get_user_model().objects.filter(
        Q(city_staff__city_id=pledge.city_id) | Q(pk=pledge.submitted_by_id), is_active=True
    )
    return sorted({u.email for u in users if u.email})


def moderator_addresses() -> list[str]:
    """Active users holding the moderation permission, by group, directly or as superusers."""
    users = get_user_model().objects.with_perm(
        access.MODERATE_PERMISSION, backend="django.contrib.auth.backends.ModelBackend"
    )
    return sorted({u.email for u in users if u.email})


def transition_made(transition: PledgeTransition) -> None:
    """Staff hear of every decision; moderators hear of every submission."""
    to = transition.to_state
    if to == ModerationState.SUBMITTED:
        recipients = moderator_addresses()
        template = "pledges/email/submitted.txt"
        link = _absolute(reverse("pledges:moderation-decide", args=[transition.pledge_id]))
    else:
        recipients = city_staff_addresses(transition)
        template = "pledges/email/decision.txt"
        link = _absolute(transition.pledge.get_absolute_url())
    if not recipients:
        return
    context: dict[str, Any] = {"transition": transition, "pledge": transition.pledge, "link": link}
    subject = render_to_string(template.replace(".txt", "_subject.txt"), context)
    body = render_to_string(template, context)
    subject = " ".join(subject.split())
    messages = [(subject, body, None, [address]) for address in recipients]
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:  # the decision stands; the log tells the operator the mail did not go
        logger.exception("could not mail %s about pledge %s", recipients, transition.pledge_id)
