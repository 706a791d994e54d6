"""Accounts: login, logout, password change and reset, the login lockout (django-axes), the
demo accounts command, and moderators assigning city staff in the admin."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from axes.models import AccessAttempt
from django import forms
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.client_ip import client_ip_address
from accounts.models import ApiToken, User
from networks.models import City
from pledges.access import MODERATORS, is_city_staff, is_moderator, moderators_group
from pledges.models import CityStaff
from tests.accounts.factories import UserFactory
from tests.networks.factories import CityFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"
LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str, address: str = "127.0.0.1", **data):
    return client.post(
        LOGIN, {"username": username, "password": password, **data}, REMOTE_ADDR=address
    )


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def described_ids_exist(html: str) -> bool:
    """Every id an aria-describedby names is an element of the page."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    named = {i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()}
    return named <= ids


# --- login and logout ----------------------------------------------------------------------------


def test_login_page_renders_the_form(client) -> None:
    response = client.get(LOGIN, {"next": "/pledges/"})
    assert response.status_code == 200
    assert "registration/login.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<input type="hidden" name="next" value="/pledges/">' in html
    assert f'href="{reverse("password_reset")}"' in html
    assert '<label for="id_username">' in html


def test_the_urls_base_html_links_exist() -> None:
    assert reverse("login") == LOGIN
    assert reverse("logout") == "/accounts/logout/"
    assert reverse("password_change") == "/accounts/password_change/"


def test_good_credentials_go_to_next(client) -> None:
    user = UserFactory(username="alice")
    response = login(client, "alice", PASSWORD, next="/pledges/")
    assert response.status_code == 302
    assert response["Location"] == "/pledges/"
    assert logged_in_user_id(client) == str(user.pk)


def test_without_next_login_goes_to_the_dashboard(client) -> None:
    UserFactory(username="alice")
    response = login(client, "alice", PASSWORD)
    assert response["Location"] == reverse("pledges:dashboard")


def test_next_pointing_elsewhere_is_ignored(client) -> None:
    UserFactory(username="alice")
    response = login(client, "alice", PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("pledges:dashboard")


def test_bad_credentials_show_the_form_again_with_the_username(client) -> None:
    UserFactory(username="alice")
    response = login(client, "alice", "not-the-password")
    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    html = response.content.decode()
    assert 'value="alice"' in html
    assert "not-the-password" not in html
    assert '<div class="errors" role="alert"><ul class="errorlist nonfield">' in html
    assert "Please enter a correct username and password" in html


def test_a_missing_field_is_marked_next_to_it(client) -> None:
    response = login(client, "alice", "")
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_password-errors"><li>This field is required.' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password_error"' in html
    assert described_ids_exist(html)


def test_logout_is_a_post(client) -> None:
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client) == str(user.pk)
    response = client.post("/accounts/logout/")
    assert response["Location"] == reverse("site:home")
    assert logged_in_user_id(client) is None


def test_login_without_csrf_token_is_refused() -> None:
    UserFactory(username="alice")
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert logged_in_user_id(client) is None


# --- password change and reset -------------------------------------------------------------------


def test_password_change_needs_login(client) -> None:
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/accounts/password_change/"


def test_password_change_flow(client) -> None:
    user = UserFactory(username="alice")
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert 'autocomplete="new-password"' in page.content.decode()

    wrong = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-new-secret-42",
            "new_password2": "a-new-secret-42",
        },
    )
    assert wrong.status_code == 200
    assert 'id="id_old_password-errors"' in wrong.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    done = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-secret-42",
            "new_password2": "a-new-secret-42",
        },
    )
    assert done["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("a-new-secret-42")
    # The session survives the change (Django updates its hash).
    assert client.get(reverse("password_change_done")).status_code == 200


def test_password_reset_end_to_end(client, settings) -> None:
    settings.SITE_URL = "https://citydiplo.example"
    UserFactory(username="alice", email="alice@example.org")
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.org"})
    assert response["Location"] == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Reset your citydiplo password"
    assert not message.alternatives  # plain text only
    link = re.search(r"^https://citydiplo\.example(/accounts/reset/\S+/)$", message.body, re.M)
    assert link, message.body

    # Django swaps the token in the address for one kept in the session, then shows the form.
    set_password_url = client.get(link[1])["Location"]
    form = client.get(set_password_url)
    assert form.context["validlink"] is True
    done = client.post(
        set_password_url, {"new_password1": "brand-new-pw-77", "new_password2": "brand-new-pw-77"}
    )
    assert done["Location"] == reverse("password_reset_complete")

    assert login(Client(), "alice", PASSWORD).status_code == 200  # old one: refused
    fresh = Client()
    assert login(fresh, "alice", "brand-new-pw-77").status_code == 302
    assert logged_in_user_id(fresh) is not None

    again = Client().get(link[1], follow=True)
    assert again.context["validlink"] is False
    assert "Password reset link not valid" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing(client) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")  # same answer: no account probe
    assert mail.outbox == []


# --- lockout (django-axes) -----------------------------------------------------------------------


def test_failures_lock_the_account_from_any_address(client) -> None:
    UserFactory(username="alice")
    for n in range(1, 5):
        assert login(client, "alice", "guess", address=f"10.0.0.{n}").status_code == 200
    fifth = login(client, "alice", "guess", address="10.0.0.5")
    assert fifth.status_code == 429
    assert "registration/lockout.html" in [t.name for t in fifth.templates]

    correct_elsewhere = login(client, "alice", PASSWORD, address="10.9.9.9")
    assert correct_elsewhere.status_code == 429
    assert logged_in_user_id(client) is None
    # Only the account is locked: someone else may still log in from those addresses.
    UserFactory(username="bob")
    assert login(client, "bob", PASSWORD, address="10.0.0.1").status_code == 302


def test_failures_from_one_address_lock_the_address(client) -> None:
    UserFactory(username="alice")
    for n in range(4):
        assert login(client, f"nobody{n}", "guess", address="10.1.1.1").status_code == 200
    assert login(client, "nobody4", "guess", address="10.1.1.1").status_code == 429

    assert login(client, "alice", PASSWORD, address="10.1.1.1").status_code == 429
    assert logged_in_user_id(client) is None
    assert login(client, "alice", PASSWORD, address="10.2.2.2").status_code == 302


def test_the_correct_password_is_refused_until_the_lock_expires(client) -> None:
    UserFactory(username="alice")
    for _ in range(5):
        login(client, "alice", "guess")
    refused = login(client, "alice", PASSWORD)
    assert refused.status_code == 429
    assert logged_in_user_id(client) is None

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, "alice", PASSWORD).status_code == 302
    assert logged_in_user_id(client) is not None


def test_lockout_page_says_how_long_and_offers_a_reset(client) -> None:
    for _ in range(5):
        response = login(client, "alice", "guess")
    assert response.status_code == 429
    html = response.content.decode()
    assert "blocked for 15 minutes" in html
    assert f'href="{reverse("password_reset")}"' in html
    assert "<title>Too many failed logins · citydiplo</title>" in html


def test_a_successful_login_clears_the_count(client) -> None:
    UserFactory(username="alice")
    for _ in range(4):
        login(client, "alice", "guess")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "alice", "guess").status_code == 200


def test_the_admin_login_is_rate_limited_too(client) -> None:
    UserFactory(username="curator", is_staff=True)
    for _ in range(4):
        response = client.post(
            "/admin/login/", {"username": "curator", "password": "guess", "next": "/admin/"}
        )
        assert response.status_code == 200
    response = client.post("/admin/login/", {"username": "curator", "password": "guess"})
    assert response.status_code == 429
    response = client.post("/admin/login/", {"username": "curator", "password": PASSWORD})
    assert response.status_code == 429


def test_api_tokens_still_authenticate_with_axes(client) -> None:
    from accounts.tokens import api_token_create

    _token, key = api_token_create(name="Partner", user=UserFactory())
    response = client.get("/api/v1/cities/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_the_address_is_remote_addr_unless_proxies_are_configured(settings) -> None:
    request = RequestFactory().post(
        LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.NUM_PROXIES = 0
    assert client_ip_address(request) == "10.0.0.2"  # anyone can send the header
    settings.NUM_PROXIES = 1
    assert client_ip_address(request) == "203.0.113.9"  # what our proxy saw; 6.6.6.6 is forged
    settings.NUM_PROXIES = 2
    assert client_ip_address(request) == "6.6.6.6"
    no_header = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.2")
    assert client_ip_address(no_header) == "10.0.0.2"


def test_a_forged_forwarded_header_does_not_escape_the_address_lock(client) -> None:
    for n in range(5):
        response = client.post(
            LOGIN,
            {"username": f"nobody{n}", "password": "guess"},
            REMOTE_ADDR="10.1.1.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert response.status_code == 429


# --- the form field component ----------------------------------------------------------------------


class _WidgetsForm(forms.Form):
    agree = forms.BooleanField(help_text="Tick to agree.")
    colours = forms.MultipleChoiceField(choices=[("r", "Red"), ("g", "Green")])
    sizes = forms.MultipleChoiceField(
        choices=[("s", "Small"), ("l", "Large")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Pick any.",
    )


def test_form_field_component_renders_checkboxes_and_multiple_selects() -> None:
    form = _WidgetsForm(data={})
    assert not form.is_valid()
    html = "".join(
        render_to_string("components/form_field.html", {"field": form[name]})
        for name in ("agree", "colours", "sizes")
    )
    # A single checkbox comes before its label.
    assert html.index('type="checkbox" name="agree"') < html.index('<label for="id_agree"')
    assert '<select name="colours"' in html
    assert "multiple" in html
    assert '<ul class="errorlist" id="id_colours-errors">' in html
    # Checkbox lists are a fieldset whose description names its help text and errors.
    assert '<fieldset aria-describedby="id_sizes_helptext id_sizes-errors">' in html
    assert "<legend" in html
    assert described_ids_exist(html)


def test_form_field_component_renders_a_valid_field_quietly() -> None:
    form = _WidgetsForm(data={"agree": "on", "colours": ["r"], "sizes": ["s"]})
    assert form.is_valid()
    html = render_to_string("components/form_field.html", {"field": form["colours"]})
    assert "errorlist" not in html
    assert "field--error" not in html


# --- demo accounts -------------------------------------------------------------------------------


@pytest.fixture
def barcelona() -> City:
    return CityFactory(name="Barcelona", slug="barcelona", country="ES")


def demo_accounts(password: str = "demo-pass-1") -> str:
    out = io.StringIO()
    call_command("demo_accounts", password=password, stdout=out)
    return out.getvalue()


def test_demo_accounts_creates_a_moderator_and_city_staff(barcelona) -> None:
    output = demo_accounts()
    moderator = User.objects.get(username="demo-moderator")
    staff = User.objects.get(username="demo-staff")
    assert moderator.is_staff
    assert not moderator.is_superuser
    assert moderator.email == "demo-moderator@example.org"
    assert moderator.groups.filter(name=MODERATORS).exists()
    assert is_moderator(moderator)
    assert not staff.is_staff
    assert staff.email == "demo-staff@example.org"
    assert is_city_staff(staff, barcelona.pk)
    assert not is_moderator(staff)
    assert moderator.check_password("demo-pass-1")
    assert staff.check_password("demo-pass-1")
    assert "Created demo-moderator" in output
    assert "/accounts/login/" in output


def test_demo_accounts_is_idempotent_and_resets_the_password(barcelona) -> None:
    demo_accounts()
    staff = User.objects.get(username="demo-staff")
    staff.is_staff = True
    staff.save()
    output = demo_accounts("another-pass-2")
    assert "Reset demo-staff" in output
    assert User.objects.filter(username__startswith="demo-").count() == 2
    assert CityStaff.objects.filter(user__username="demo-staff").count() == 1
    staff.refresh_from_db()
    assert not staff.is_staff
    assert staff.check_password("another-pass-2")
    assert not staff.check_password("demo-pass-1")


def test_demo_accounts_can_log_in_and_rerunning_lifts_a_lockout(client, barcelona) -> None:
    demo_accounts()
    for _ in range(5):
        login(client, "demo-staff", "typo", address="10.3.3.3")
    assert login(client, "demo-staff", "demo-pass-1", address="10.4.4.4").status_code == 429
    demo_accounts()
    response = login(client, "demo-staff", "demo-pass-1", address="10.4.4.4")
    assert response["Location"] == reverse("pledges:dashboard")


def test_demo_accounts_refused_where_not_allowed(settings, barcelona) -> None:
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_ACCOUNTS_ALLOWED"):
        demo_accounts()
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_demo_accounts_refuse_a_short_password(barcelona) -> None:
    with pytest.raises(CommandError, match="at least 8 characters"):
        demo_accounts("short12")
    assert not User.objects.exists()


def test_demo_accounts_need_barcelona() -> None:
    with pytest.raises(CommandError, match="load_seed"):
        demo_accounts()
    assert not User.objects.exists()


# --- moderators assign city staff in the admin ---------------------------------------------------


@pytest.fixture
def moderator_client(client) -> Client:
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(moderators_group())
    client.force_login(moderator)
    return client


def test_a_moderator_can_assign_city_staff_in_the_admin(moderator_client, barcelona) -> None:
    alice = UserFactory(username="alice")
    assert moderator_client.get("/admin/pledges/citystaff/add/").status_code == 200

    def autocomplete(field_name: str, term: str) -> list[str]:
        response = moderator_client.get(
            "/admin/autocomplete/",
            {
                "app_label": "pledges",
                "model_name": "citystaff",
                "field_name": field_name,
                "term": term,
            },
        )
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    assert autocomplete("user", "ali") == ["alice"]
    assert autocomplete("city", "Barc") == [str(barcelona)]

    response = moderator_client.post(
        "/admin/pledges/citystaff/add/", {"user": alice.pk, "city": barcelona.pk}
    )
    assert response.status_code == 302
    assert CityStaff.objects.filter(user=alice, city=barcelona).exists()
    assert moderator_client.get("/admin/pledges/citystaff/", {"q": "alice"}).status_code == 200


def test_a_staff_user_outside_the_group_cannot(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/pledges/citystaff/add/").status_code == 403


def test_the_user_page_lists_the_users_cities(client, barcelona) -> None:
    client.force_login(User.objects.create_superuser("root", "root@example.org", PASSWORD))
    alice = UserFactory(username="alice")
    CityStaff.objects.create(user=alice, city=barcelona)
    response = client.get(f"/admin/accounts/user/{alice.pk}/change/")
    assert response.status_code == 200
    formset = next(f for f in response.context["inline_admin_formsets"])
    assert formset.formset.prefix == "city_staff"
    assert "Barcelona" in response.content.decode()
