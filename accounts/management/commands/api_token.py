"""Issue, revoke and list partner API tokens from the shell (the admin does the same).

    python manage.py api_token create --name "UNHCR dashboard" [--user USERNAME]
    python manage.py api_token revoke PREFIX
    python manage.py api_token list

``create`` prints the key on a line of its own, then a notice; the key is not stored, so this
is the only time anyone sees it.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return _("never")
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class Command(BaseCommand):
    help = "Create, revoke or list partner API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Issue a token and print its key once.")
        create.add_argument("--name", required=True, help="Who the token is for.")
        create.add_argument("--user", help="Username the token acts for (optional).")
        revoke = actions.add_parser("revoke", help="Stop a token from working.")
        revoke.add_argument("prefix", help="The token's prefix, as shown by `list`.")
        actions.add_parser("list", help="Show every token and whether it is active.")

    def handle(self, *args: object, action: str, **options: object) -> None:
        if action == "create":
            self.create(name=str(options["name"]), username=options.get("user"))
        elif action == "revoke":
            self.revoke(prefix=str(options["prefix"]))
        else:
            self.list_tokens()

    def create(self, *, name: str, username: object) -> None:
        user = None
        if username:
            user_model = get_user_model()
            try:
                user = user_model._default_manager.get_by_natural_key(str(username))
            except user_model.DoesNotExist:
                raise CommandError(_("No user named “%s”.") % username) from None
        try:
            token, key = api_token_create(name=name, user=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(key)
        self.stdout.write(
            _("Token %(prefix)s for “%(name)s”: copy the key above now, it is not stored.")
            % {"prefix": token.prefix, "name": token.name}
        )

    def revoke(self, *, prefix: str) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(_("No API token with prefix “%s”.") % prefix)
        if not token.is_active:
            self.stdout.write(_("Token %s was already revoked.") % token.prefix)
            return
        api_token_revoke(token=token)
        self.stdout.write(
            _("Revoked token %(prefix)s (“%(name)s”).")
            % {
                "prefix": token.prefix,
                "name": token.name,
            }
        )

    def list_tokens(self) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("created_at", "pk")
        header = (_("prefix"), _("name"), _("user"), _("created"), _("last used"), _("state"))
        rows = [
            (
                token.prefix,
                token.name,
                token.user.get_username() if token.user else "-",
                _when(token.created_at),
                _when(token.last_used_at),
                _("active") if token.is_active else _("revoked"),
            )
            for token in tokens
        ]
        if not rows:
            self.stdout.write(_("No API tokens."))
            return
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
