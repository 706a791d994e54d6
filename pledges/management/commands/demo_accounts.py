"""Demo users for trying the pledge workflow on a developer's machine.

    python manage.py demo_accounts --password PASSWORD

Creates, or brings back to a known state, ``demo-moderator`` (a moderator who may use the admin
to assign city staff) and ``demo-staff`` (staff of Barcelona). Each run sets the password again
and lifts any login lockout on them. A known password is a hole in any real deployment, so the
command refuses unless the settings say ``DEMO_ACCOUNTS_ALLOWED`` (dev and test only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from networks.models import City
from pledges.access import moderators_group
from pledges.models import CityStaff

if TYPE_CHECKING:
    from accounts.models import User

MODERATOR = "demo-moderator"
STAFF = "demo-staff"
CITY_SLUG = "barcelona"
MIN_PASSWORD_LENGTH = 8


class Command(BaseCommand):
    help = "Create or reset the demo moderator and Barcelona staff accounts (dev and tests only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", required=True, help="Password both accounts get (8+ characters)."
        )

    def handle(self, *args: object, password: str, **options: object) -> None:
        if not getattr(settings, "DEMO_ACCOUNTS_ALLOWED", False):
            raise CommandError(
                _(
                    "Demo accounts are disabled in these settings (DEMO_ACCOUNTS_ALLOWED is "
                    "off): they exist for development and tests only."
                )
            )
        if len(password) < MIN_PASSWORD_LENGTH:
            raise CommandError(
                _("The password must have at least %(n)d characters.") % {"n": MIN_PASSWORD_LENGTH}
            )
        city = City.objects.filter(slug=CITY_SLUG).first()
        if city is None:
            raise CommandError(
                _("There is no city “%(slug)s”: run `python manage.py load_seed` first.")
                % {"slug": CITY_SLUG}
            )
        with transaction.atomic():
            moderator, moderator_created = self._user(MODERATOR, password, is_staff=True)
            moderator.groups.add(moderators_group())
            staff, staff_created = self._user(STAFF, password, is_staff=False)
            CityStaff.objects.get_or_create(user=staff, city=city)
        for username in (MODERATOR, STAFF):
            axes_reset(username=username)

        for username, created, role in (
            (MODERATOR, moderator_created, _("moderator, may use the admin")),
            (STAFF, staff_created, _("staff of %(city)s") % {"city": city.name}),
        ):
            message = (
                _("Created %(user)s (%(role)s).") if created else _("Reset %(user)s (%(role)s).")
            )
            self.stdout.write(self.style.SUCCESS(message % {"user": username, "role": role}))
        login_url = settings.SITE_URL.rstrip("/") + reverse("login")
        self.stdout.write(
            _("Log in at %(url)s as %(staff)s or %(moderator)s with the password you gave.")
            % {"url": login_url, "staff": STAFF, "moderator": MODERATOR}
        )

    def _user(self, username: str, password: str, *, is_staff: bool) -> tuple[User, bool]:
        """The user in a known state: active, not a superuser, staff flag and password as given."""
        user, created = get_user_model()._default_manager.get_or_create(username=username)
        user.email = f"{username}@example.org"
        user.is_active = True
        user.is_staff = is_staff
        user.is_superuser = False
        user.set_password(password)
        user.full_clean()
        user.save()
        return user, created
