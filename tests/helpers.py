"""Shared test helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction


def assert_db_rejects(factory: Callable[..., object], **kwargs: object) -> None:
    """The database itself refuses the row: no Python validation runs on this path."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)
