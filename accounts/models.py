"""The user model, swappable from day one so accounts can grow without a painful migration."""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A site user: moderators and city staff (their cities are linked in the pledges app)."""
