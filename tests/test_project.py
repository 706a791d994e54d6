"""The project as a whole: checks, migrations, settings per environment, import direction."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "citydiplo.settings.prod",
    "SECRET_KEY": "a-real-production-secret-that-is-long-enough-0123456789-abcdef",
    "ALLOWED_HOSTS": "citydiplo.example.org",
    "DATABASE_URL": "sqlite:////tmp/citydiplo-prod-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_system_check_is_clean() -> None:
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_migrations_are_complete() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    ("secret", "hosts", "message"),
    [
        ("", "citydiplo.example.org", "SECRET_KEY"),
        ("short", "citydiplo.example.org", "SECRET_KEY"),
        ("dev-only-insecure-key-not-for-production", "citydiplo.example.org", "SECRET_KEY"),
        ("a-real-production-secret-that-is-long-enough-0123456789-abcdef", "", "ALLOWED_HOSTS"),
    ],
)
def test_prod_refuses_to_start_without_real_settings(secret: str, hosts: str, message: str) -> None:
    result = manage("check", env={**PROD_ENV, "SECRET_KEY": secret, "ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert message in result.stderr


def test_prod_refuses_debug() -> None:
    result = manage("check", env={**PROD_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_prod_passes_the_deployment_check() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr


def test_dockerfile_build_steps_work_without_docker() -> None:
    """The image's build-time collectstatic must run with the Dockerfile's throwaway values."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile
    assert "USER citydiplo" in dockerfile
    assert "gunicorn citydiplo.wsgi" in dockerfile
    build_env = {
        "DJANGO_SETTINGS_MODULE": "citydiplo.settings.prod",
        "SECRET_KEY": "build-time-only-collectstatic-key-0123456789-0123456789",
        "ALLOWED_HOSTS": "localhost",
    }
    assert "SECRET_KEY=build-time-only-collectstatic-key-0123456789-0123456789" in dockerfile
    result = manage("collectstatic", "--noinput", "--dry-run", env=build_env)
    assert result.returncode == 0, result.stderr


def test_wsgi_application_imports_under_prod_settings() -> None:
    code = "import citydiplo.wsgi as w; print(type(w.application).__name__)"
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PROD_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"


# Imports flow one way: citydiplo -> pledges -> declarations -> networks (accounts at the bottom).
ALLOWED_IMPORTS = {
    "networks": {"networks"},
    "declarations": {"declarations", "networks"},
    # accounts holds the user model, beside the bottom of the chain: pledges name their staff
    "pledges": {"pledges", "declarations", "networks", "accounts"},
    "accounts": {"accounts"},
}
PROJECT_PACKAGES = {"citydiplo", "networks", "declarations", "pledges", "accounts"}


@pytest.mark.parametrize("app", sorted(ALLOWED_IMPORTS))
def test_imports_flow_one_way(app: str) -> None:
    offending = []
    for path in (ROOT / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in PROJECT_PACKAGES and top not in ALLOWED_IMPORTS[app]:
                    offending.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offending == []


@pytest.mark.django_db
def test_home_page_shows_counts_and_admin_link(client) -> None:
    from tests.declarations.factories import DeclarationFactory
    from tests.networks.factories import CityFactory

    CityFactory.create_batch(3)
    DeclarationFactory()
    response = client.get(reverse("site:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="n">3</span> cities' in html
    assert '<span class="n">1</span> declaration</a>' in html  # singular
    assert 'href="/admin/"' in html


@pytest.mark.django_db
def test_healthz(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client) -> None:
    response = client.get("/cities/no-such-city/")
    assert response.status_code == 404
    assert "could not find" in response.content.decode()


def test_readme_and_ci_name_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.django_db
def test_pages_are_served_under_a_strict_content_security_policy(client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
