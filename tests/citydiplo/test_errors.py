"""How the site fails: 503 with Retry-After when the database is unreachable (tested against a
real gunicorn with no database in test_production.py), 500 for anything else, 413 for a body over
the limit before it is read."""

from __future__ import annotations

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory, override_settings

from citydiplo.errors import is_database_unavailable, server_error


def answer_to(error: Exception, path: str):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
        ),
        OperationalError("terminating connection due to administrator command"),
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
    ],
)
def test_an_unreachable_database_is_a_503_with_a_retry_hint(error: Exception) -> None:
    assert is_database_unavailable(error)
    page = answer_to(error, "/pledges/")
    assert page.status_code == 503
    assert int(page["Retry-After"]) > 0
    assert page["Cache-Control"] == "no-store"
    assert b"briefly unavailable" in page.content
    api = answer_to(error, "/api/v1/pledges/")
    assert (api.status_code, api["Content-Type"]) == (503, "application/json")
    assert "Retry after" in json.loads(api.content)["detail"]


@pytest.mark.parametrize(
    "error",
    [ValueError("a bug"), OperationalError("no such table: pledges_pledge"), KeyError("x")],
)
def test_any_other_failure_stays_a_500(error: Exception) -> None:
    assert not is_database_unavailable(error)
    assert answer_to(error, "/pledges/").status_code == 500
    api = answer_to(error, "/api/v1/pledges/")
    assert api.status_code == 500
    assert json.loads(api.content)["detail"].startswith("Server error")


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_SIZE=1000, MAX_UPLOAD_BODY_SIZE=5000)
def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(client) -> None:
    api = client.post("/api/v1/pledges/", data="x" * 1001, content_type="application/json")
    assert api.status_code == 413
    assert "at most 1000" in api.json()["detail"]
    # a form, before CSRF or the login limiter look at it
    form = client.post(
        "/accounts/login/", data="a=" + "x" * 1200, content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 413
    assert form["Content-Security-Policy"]  # the refusal carries the site's headers
    # an upload may be larger than a form, up to its own limit
    boundary = "BoUnDaRy"
    upload = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{'y' * 3000}\r\n--{boundary}--\r\n"
    )
    small = client.post(
        "/accounts/login/", data=upload, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert small.status_code != 413
    big = client.post(
        "/accounts/login/",
        data=upload.replace("y" * 3000, "y" * 6000),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert big.status_code == 413


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_SIZE=1000)
def test_a_body_under_the_limit_reaches_the_view(client) -> None:
    answer = client.post("/api/v1/pledges/", data="x" * 999, content_type="application/json")
    assert answer.status_code == 401  # the view ran: no credentials
