"""Partner API tokens: stored only as a hash, checked on every API request, revocable, and the
key to a higher rate limit than anonymous clients get."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from accounts.throttling import AnonymousRateThrottle, PartnerRateThrottle
from accounts.tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_record_use,
    api_token_revoke,
)
from tests.accounts.factories import ApiTokenFactory, UserFactory
from tests.helpers import assert_db_rejects

pytestmark = pytest.mark.django_db

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
CLIENT_IP = "203.0.113.7"


class ProbeView(APIView):
    """The smallest API view, using the project's default authentication and throttles."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        auth = request.auth
        return Response(
            {
                "user": request.user.get_username() if request.user.is_authenticated else None,
                "token": auth.pk if isinstance(auth, ApiToken) else None,
            }
        )


# As with ATOMIC_REQUESTS: DRF marks the request's transaction for rollback on every error
# response, which must not poison the test's own transaction.
probe = transaction.atomic(ProbeView.as_view())
requests = APIRequestFactory()


def get(key: str | None = None, scheme: str = "Token", ip: str = CLIENT_IP) -> Response:
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {key}"} if key is not None else {}
    return probe(requests.get("/probe/", REMOTE_ADDR=ip, **headers))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def low_rates(settings) -> None:
    """Test settings raise the rates out of reach; these tests need them reachable."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "partner": "5/min"},
    }


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- storage and the services ------------------------------------------------------------------


def test_key_is_not_stored_in_plaintext_anywhere_in_the_row() -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    assert KEY_PATTERN.fullmatch(key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {connection.ops.quote_name(ApiToken._meta.db_table)} WHERE id = %s",
            [token.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    assert not [cell for cell in row if key in str(cell)]
    assert key[8:] not in " ".join(str(cell) for cell in row)
    token.refresh_from_db()
    assert token.key_hash == sha256(key)
    assert token.prefix == key[:8]


def test_create_authenticate_revoke() -> None:
    user = UserFactory()
    token, key = api_token_create(name="City of Palermo", user=user)
    other, other_key = api_token_create(name="UNHCR dashboard")
    assert key != other_key
    assert token.user == user
    assert token.is_active
    assert api_token_authenticate(key) == token
    assert api_token_authenticate(other_key) == other

    revoked = api_token_revoke(token=token)
    assert revoked.revoked_at is not None
    assert not revoked.is_active
    assert api_token_authenticate(key) is None
    assert api_token_authenticate(other_key) == other  # revoking one leaves the others alone

    first_revocation = ApiToken.objects.get(pk=token.pk).revoked_at
    api_token_revoke(token=ApiToken.objects.get(pk=token.pk))  # idempotent
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first_revocation


@pytest.mark.parametrize(
    "mangle",
    [
        lambda key: key[:-1] + ("A" if key[-1] != "A" else "B"),  # right prefix, wrong rest
        lambda key: "zzzzzzzz" + key[8:] if not key.startswith("zzzzzzzz") else "y" + key[1:],
        lambda key: key[:8],  # the prefix alone is not a key
        lambda key: "",
        lambda key: key + "x" * 500,
    ],
    ids=["wrong-secret", "unknown-prefix", "prefix-only", "empty", "huge"],
)
def test_wrong_keys_do_not_authenticate(mangle) -> None:
    _, key = api_token_create(name="UNHCR dashboard")
    assert api_token_authenticate(mangle(key)) is None


def test_create_validates_the_name() -> None:
    with pytest.raises(ValidationError, match="This field cannot be blank"):
        api_token_create(name="")
    assert not ApiToken.objects.exists()


def test_deleting_the_user_deletes_its_tokens() -> None:
    user = UserFactory()
    api_token_create(name="City of Palermo", user=user)
    api_token_create(name="UNHCR dashboard")
    user.delete()
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["UNHCR dashboard"]


# --- what the database refuses ----------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["short12", "abc!defg", "abcd efg", ""])
def test_prefix_is_eight_url_safe_characters(prefix: str) -> None:
    assert_db_rejects(ApiTokenFactory, prefix=prefix)


@pytest.mark.parametrize("key_hash", ["a" * 63, "A" * 64, "g" * 64, ""])
def test_key_hash_is_a_sha256_hex_digest(key_hash: str) -> None:
    assert_db_rejects(ApiTokenFactory, key_hash=key_hash)


def test_prefix_and_hash_are_unique() -> None:
    token = ApiTokenFactory()
    assert_db_rejects(ApiTokenFactory, prefix=token.prefix)
    assert_db_rejects(ApiTokenFactory, key_hash=token.key_hash)


def test_name_is_required() -> None:
    assert_db_rejects(ApiTokenFactory, name="")


def test_times_follow_creation() -> None:
    created = timezone.now()
    before = created - dt.timedelta(seconds=1)
    assert_db_rejects(ApiTokenFactory, created_at=created, revoked_at=before)
    assert_db_rejects(ApiTokenFactory, created_at=created, last_used_at=before)
    ApiTokenFactory(created_at=created, revoked_at=created, last_used_at=created)
    token = ApiTokenFactory.build(created_at=created, revoked_at=before)
    with pytest.raises(ValidationError, match="cannot be revoked before it exists"):
        token.full_clean()


# --- last_used_at -------------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(django_assert_num_queries) -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    assert token.last_used_at is None
    api_token_authenticate(key)
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None

    with django_assert_num_queries(1):  # the lookup only: no UPDATE within the minute
        assert api_token_authenticate(key) is not None
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use

    # A minute and a bit later the next use is recorded again.
    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(created_at=earlier, last_used_at=earlier)
    api_token_authenticate(key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier + dt.timedelta(minutes=1)


def test_concurrent_uses_write_once() -> None:
    """Two requests that both read the row before either wrote: only one of them writes."""
    token, _ = api_token_create(name="UNHCR dashboard")
    stale = ApiToken.objects.get(pk=token.pk)
    now = timezone.now()
    assert api_token_record_use(token=token, now=now) is True
    assert api_token_record_use(token=stale, now=now + dt.timedelta(seconds=5)) is False
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now
    assert api_token_record_use(token=stale, now=now + dt.timedelta(seconds=61)) is True


# --- the authentication class on a real DRF view --------------------------------------------


def test_no_header_reads_anonymously() -> None:
    response = get()
    assert response.status_code == 200
    assert response.data == {"user": None, "token": None}


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "token"])
def test_good_token_authenticates(scheme: str) -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    response = get(key, scheme=scheme)
    assert response.status_code == 200
    assert response.data == {"user": None, "token": token.pk}


def test_token_with_a_user_acts_as_that_user() -> None:
    user = UserFactory(username="palermo")
    token, key = api_token_create(name="City of Palermo", user=user)
    response = get(key)
    assert response.data == {"user": "palermo", "token": token.pk}


def test_request_auth_is_the_token_itself() -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    request = requests.get("/probe/", HTTP_AUTHORIZATION=f"Token {key}")
    user, auth = ApiTokenAuthentication().authenticate(Request(request))
    assert auth == token
    assert isinstance(auth, ApiToken)
    assert not user.is_authenticated


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-key-at-all", "Bearer not-a-real-key-at-all", "Token", "Token a b"],
)
def test_bad_token_is_401_with_www_authenticate(header: str) -> None:
    response = probe(requests.get("/probe/", HTTP_AUTHORIZATION=header))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "API token" in str(response.data["detail"]) or "Authorization" in str(
        response.data["detail"]
    )


def test_revoked_token_is_401_not_anonymous() -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    assert get(key).status_code == 200
    api_token_revoke(token=token)
    response = get(key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "revoked" in str(response.data["detail"])


def test_token_of_a_disabled_user_is_refused() -> None:
    user = UserFactory(is_active=False)
    _, key = api_token_create(name="City of Palermo", user=user)
    assert get(key).status_code == 401


def test_other_schemes_are_left_to_other_authenticators() -> None:
    response = get("dXNlcjpwYXNz", scheme="Basic")
    assert response.status_code == 200
    assert response.data == {"user": None, "token": None}


# --- throttles ----------------------------------------------------------------------------------


def test_anonymous_is_throttled_while_a_partner_on_the_same_ip_is_not(low_rates) -> None:
    _, key = api_token_create(name="UNHCR dashboard")
    assert [get().status_code for _ in range(3)] == [200, 200, 200]
    refused = get()
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert get(ip="198.51.100.1").status_code == 200  # another address has its own counter

    # The partner behind the same address gets its own, larger allowance.
    assert [get(key).status_code for _ in range(5)] == [200] * 5
    refused = get(key)
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_each_token_has_its_own_allowance(low_rates) -> None:
    _, first = api_token_create(name="UNHCR dashboard")
    _, second = api_token_create(name="IOM data team")
    assert [get(first).status_code for _ in range(6)] == [200] * 5 + [429]
    assert get(second, ip="198.51.100.1").status_code == 200
    assert get(first, ip="198.51.100.1").status_code == 429  # counted by token, not by address


def test_signed_in_users_count_as_partners(low_rates) -> None:
    user, other = UserFactory(), UserFactory()

    def as_user(who) -> int:
        request = requests.get("/probe/", REMOTE_ADDR=CLIENT_IP)
        force_authenticate(request, user=who)
        return probe(request).status_code

    assert [as_user(user) for _ in range(6)] == [200] * 5 + [429]
    assert as_user(other) == 200
    assert get().status_code == 200  # anonymous counter untouched by signed-in requests


def test_patching_drf_class_rates_still_works(monkeypatch) -> None:
    """Some tests lower rates the DRF way, by replacing the class attribute: that wins."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "partner": "2/min"})
    assert [get().status_code for _ in range(3)] == [200, 200, 429]


def test_exactly_one_throttle_applies() -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    view = ProbeView()

    def keys(request) -> tuple[str | None, str | None]:
        drf_request = view.initialize_request(request)
        return (
            AnonymousRateThrottle().get_cache_key(drf_request, view),
            PartnerRateThrottle().get_cache_key(drf_request, view),
        )

    anon, partner = keys(requests.get("/", REMOTE_ADDR=CLIENT_IP))
    assert anon == f"throttle_anon_{CLIENT_IP}"
    assert partner is None
    anon, partner = keys(
        requests.get("/", REMOTE_ADDR=CLIENT_IP, HTTP_AUTHORIZATION=f"Token {key}")
    )
    assert anon is None
    assert partner == f"throttle_partner_token-{token.pk}"


# --- OpenAPI -------------------------------------------------------------------------------------


def test_schema_documents_the_token_header() -> None:
    generator = SchemaGenerator(patterns=[path("probe/", ProbeView.as_view())])
    schema = generator.get_schema(request=None, public=True)
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert {k: scheme[k] for k in ("type", "in", "name")} == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    assert {"apiToken": []} in schema["paths"]["/probe/"]["get"]["security"]
    rendered = json.loads(OpenApiJsonRenderer().render(schema))
    assert "Token <key>" in rendered["components"]["securitySchemes"]["apiToken"]["description"]


# --- admin -------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_admin_add_shows_the_key_once_and_stores_only_its_hash(admin_client) -> None:
    add_url = reverse("admin:accounts_apitoken_add")
    form = admin_client.get(add_url).context["adminform"].form
    assert set(form.fields) == {"name", "user"}

    partner = UserFactory(username="palermo")
    response = admin_client.post(
        add_url, {"name": "City of Palermo", "user": partner.pk}, follow=True
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    with_key = [m for m in shown if "not stored" in m]
    assert len(with_key) == 1
    (key,) = KEY_PATTERN.findall(with_key[0])
    assert response.content.decode().count(key) == 1

    token = ApiToken.objects.get()
    assert token.name == "City of Palermo"
    assert token.user == partner
    assert token.key_hash == sha256(key)
    assert token.prefix == key[:8]
    assert api_token_authenticate(key) == token
    assert key not in LogEntry.objects.get().object_repr

    change_url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    for url in (change_url, reverse("admin:accounts_apitoken_changelist")):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert key not in page.content.decode()


def test_admin_cannot_edit_prefix_hash_or_owner(admin_client) -> None:
    token, key = api_token_create(name="UNHCR dashboard")
    response = admin_client.post(
        reverse("admin:accounts_apitoken_change", args=[token.pk]),
        {
            "name": "UNHCR data portal",
            "user": UserFactory().pk,
            "prefix": "hijacked",
            "key_hash": "0" * 64,
        },
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.name == "UNHCR data portal"
    assert (token.user, token.prefix, token.key_hash) == (None, key[:8], sha256(key))


def test_admin_revoke_action(admin_client) -> None:
    first, first_key = api_token_create(name="UNHCR dashboard")
    second, _ = api_token_create(name="IOM data team")
    kept, kept_key = api_token_create(name="City of Palermo")
    api_token_revoke(token=second)
    second_revoked_at = ApiToken.objects.get(pk=second.pk).revoked_at

    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Revoked 1 token." in [str(m) for m in response.context["messages"]]
    assert api_token_authenticate(first_key) is None
    assert ApiToken.objects.get(pk=second.pk).revoked_at == second_revoked_at
    assert api_token_authenticate(kept_key) == kept

    active = admin_client.get(reverse("admin:accounts_apitoken_changelist"), {"state": "active"})
    assert [t.pk for t in active.context["cl"].result_list] == [kept.pk]


# --- management command -----------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_command_create_list_revoke() -> None:
    UserFactory(username="palermo")
    output = run("create", "--name", "City of Palermo", "--user", "palermo").splitlines()
    assert len(output) == 2
    key = output[0]
    assert KEY_PATTERN.fullmatch(key)
    assert "not stored" in output[1]
    assert key not in output[1]
    token = api_token_authenticate(key)
    assert token is not None
    assert token.user.username == "palermo"
    assert token.key_hash == sha256(key)

    _, anonymous_key = api_token_create(name="UNHCR dashboard")
    listing = run("list")
    assert key not in listing
    lines = listing.splitlines()
    assert lines[0].split() == ["prefix", "name", "user", "created", "last", "used", "state"]
    palermo = next(line for line in lines if line.startswith(key[:8]))
    assert "City of Palermo" in palermo
    assert "palermo" in palermo
    assert palermo.rstrip().endswith("active")
    unhcr = next(line for line in lines if line.startswith(anonymous_key[:8]))
    assert "never" in unhcr

    assert "Revoked" in run("revoke", key[:8])
    assert api_token_authenticate(key) is None
    assert "already revoked" in run("revoke", key[:8])
    assert next(line for line in run("list").splitlines() if line.startswith(key[:8])).endswith(
        "revoked"
    )


def test_keys_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """A prefix like ``-xY12345`` would read as an option to ``api_token revoke``."""
    drawn = iter(["-" + "a" * 42, "-" + "b" * 42, "c" * 43])
    monkeypatch.setattr("accounts.tokens.secrets.token_urlsafe", lambda n: next(drawn))
    token, key = api_token_create(name="City of Palermo")
    assert key == "c" * 43
    assert token.prefix == "c" * 8
    assert "Revoked" in run("revoke", token.prefix)


def test_command_refuses_unknown_prefix_and_user() -> None:
    with pytest.raises(CommandError, match="No API token with prefix"):
        run("revoke", "nosuchpx")
    with pytest.raises(CommandError, match="No user named"):
        run("create", "--name", "City of Palermo", "--user", "nobody")
    with pytest.raises(CommandError, match="blank"):
        run("create", "--name", "")
    assert not ApiToken.objects.exists()
