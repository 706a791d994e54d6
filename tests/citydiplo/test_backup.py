"""Backup and restore: a restore into an empty database gives back every row of every table.

The proof is ``db_fingerprint``: per table a row count and a SHA-256 over all rows, compared
between the backed-up database and its restore. The round trips run the commands for real in
subprocesses against their own databases (PostgreSQL: one created beside the test database;
SQLite: files in tmp_path), since a restore replaces a whole database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from citydiplo import backup
from networks.models import City
from pledges.models import ModerationState, PledgeTransition
from tests.accounts.factories import ApiTokenFactory
from tests.helpers import pg_admin, pg_url
from tests.pledges.factories import PledgeFactory, staff_of

ROOT = Path(__file__).resolve().parent.parent.parent
DRAFT_TITLE = "A draft no one outside Barcelona's staff may see"
# Variables of the outer environment that would change what a subprocess connects to.
OWN_VARIABLES = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_REPLICA_URL"}
# Creates a row through the ORM (its id comes from the restored sequence) and changes another
# behind the ORM's back; prints the new row's id.
MUTATE = """
import django; django.setup()
from django.db import connection
from accounts.models import User
user = User.objects.create_user("created-after-restore")
with connection.cursor() as cursor:
    cursor.execute("UPDATE networks_city SET name = name || ' (changed)' WHERE slug = 'barcelona'")
print(user.pk)
"""
# A SQLite database to back up, made in one process (each start of Django costs a second or two):
# migrated, seeded, with private rows; prints the staff user's id, then the fingerprint as JSON.
SQLITE_SOURCE = """
import io
import django; django.setup()
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
call_command("load_seed", stdout=io.StringIO())
from tests.citydiplo.test_backup import add_private_rows
print(add_private_rows())
call_command("db_fingerprint", "--json")
"""


def add_private_rows() -> int:
    """What a data package leaves out and a backup must keep; returns the staff user's id."""
    city = City.objects.get(slug="barcelona")
    staff = staff_of(city, username="backup-staff")
    PledgeFactory(city=city, moderation_state=ModerationState.DRAFT, title=DRAFT_TITLE)
    submitted = PledgeFactory(city=city, moderation_state=ModerationState.SUBMITTED)
    PledgeTransition.objects.create(
        pledge=submitted,
        from_state=ModerationState.DRAFT,
        to_state=ModerationState.SUBMITTED,
        actor=staff,
    )
    ApiTokenFactory()
    session = SessionStore()
    session["note"] = "a signed-in visitor"
    session.create()
    return staff.pk


# --- subprocesses -------------------------------------------------------------------------------


def run(args: list[str], url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="citydiplo.settings.test", DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,  # no terminal: restore must not wait for an answer
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return run(["manage.py", *args], url)


def succeed(url: str, *args: str) -> str:
    result = manage(url, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def python(url: str, code: str) -> str:
    result = run(["-c", code], url)
    assert result.returncode == 0, result.stderr
    return result.stdout


def fingerprint_of(url: str) -> dict:
    return json.loads(succeed(url, "db_fingerprint", "--json"))


def overall_line(output: str) -> str:
    """The 'overall <rows> <sha256>' line that restore and db_fingerprint end their table with."""
    return next(line for line in output.splitlines() if line.startswith("overall "))


def parse_summary(output: str) -> dict:
    """The 'table rows sha256' lines restore prints, in the shape of ``db_fingerprint --json``."""
    tables = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit() and len(parts[2]) == 64:
            tables[parts[0]] = {"rows": int(parts[1]), "sha256": parts[2]}
    overall = tables.pop("overall")
    return {"tables": tables, "rows": overall["rows"], "sha256": overall["sha256"]}


def differing_tables(a: dict, b: dict) -> set[str]:
    return {
        t
        for t in a["tables"].keys() | b["tables"].keys()
        if a["tables"].get(t) != b["tables"].get(t)
    }


def assert_same_database(restored: dict, source: dict) -> None:
    assert sorted(restored["tables"]) == sorted(source["tables"])
    assert {t: v["rows"] for t, v in restored["tables"].items()} == {
        t: v["rows"] for t, v in source["tables"].items()
    }
    assert restored["tables"] == source["tables"]
    assert restored["sha256"] == source["sha256"]


def backup_file(directory: Path) -> Path:
    [path] = [p for p in directory.iterdir() if p.suffix in (".dump", ".sqlite3")]
    return path


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def require_client_tools() -> None:
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("needs pg_dump and pg_restore (apt-get install postgresql-client)")


# --- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture
def empty_pg_database() -> Iterator[str]:
    """A freshly created database, named after the test database (parallel CI legs and xdist
    workers each have their own) with a random tail, so no existing database is ever dropped."""
    base = connection.settings_dict["NAME"].removeprefix("test_")[:40]
    name = f"{base}_restore_{secrets.token_hex(4)}"
    pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed, so pg_dump in its own session sees the rows
def test_postgres_restore_into_an_empty_database_gives_back_every_row(
    tmp_path: Path, empty_pg_database: str
) -> None:
    require_client_tools()
    call_command("load_seed", stdout=io.StringIO())
    staff_pk = add_private_rows()
    out = io.StringIO()
    call_command("backup", output=tmp_path, stdout=out)
    dump = backup_file(tmp_path)
    assert dump.name.startswith("citydiplo-")
    assert dump.suffix == ".dump"
    assert "Backed up" in out.getvalue()
    assert str(dump) in out.getvalue()
    assert "pledges_pledgetransition: 1 rows" in out.getvalue()
    assert dump.stat().st_mode & 0o077 == 0  # it holds password hashes
    source = backup.fingerprint().as_dict()
    for table in (
        "accounts_user",
        "pledges_pledgetransition",
        "django_session",
        "accounts_apitoken",
    ):
        assert source["tables"][table]["rows"] >= 1, table

    url = pg_url(empty_pg_database)
    restored_output = succeed(url, "restore", str(dump))  # empty: no --yes needed
    assert_same_database(parse_summary(restored_output), source)

    # Sequences came back: a new row gets an id above the restored ones. And the comparison
    # notices a change: exactly the two tables touched differ.
    assert int(python(url, MUTATE)) > staff_pk
    changed = fingerprint_of(url)
    assert differing_tables(changed, source) == {"accounts_user", "networks_city"}

    # A database holding rows is not replaced without --yes, and stays as it was.
    refused = manage(url, "restore", str(dump))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert "--yes" in refused.stderr
    assert fingerprint_of(url) == changed

    # With --yes it is replaced (pg_restore --clean): the backup's rows, no more, no less.
    replaced = succeed(url, "restore", str(dump), "--yes")
    assert overall_line(replaced).split()[2] == source["sha256"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_failed_pg_dump_leaves_no_file_and_the_password_stays_off_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir, out_dir, log = tmp_path / "bin", tmp_path / "out", tmp_path / "pg_dump.log"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" "PGPASSWORD=$PGPASSWORD" > {log}\n'
        'for a; do case "$a" in --file=*) printf "PGDMP half a dump" > "${a#--file=}";; esac; done\n'
        'echo "pg_dump: error: connection to server lost" >&2\n'
        "exit 1\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-for-the-test")

    with pytest.raises(
        CommandError, match="pg_dump failed: pg_dump: error: connection to server lost"
    ):
        call_command("backup", output=out_dir / "x.dump", stdout=io.StringIO())
    assert list(out_dir.iterdir()) == []  # neither x.dump nor the partial file
    logged = log.read_text().splitlines()
    assert "PGPASSWORD=s3cret-for-the-test" in logged
    assert not any("s3cret" in arg for arg in logged if not arg.startswith("PGPASSWORD="))
    assert "--format=custom" in logged
    assert "--no-owner" in logged
    assert "--no-privileges" in logged


@pytest.mark.postgres
@pytest.mark.django_db
def test_missing_pg_dump_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="pg_dump was not found on PATH"):
        call_command("backup", output=tmp_path / "x.dump", stdout=io.StringIO())
    assert not (tmp_path / "x.dump").exists()


# --- SQLite -------------------------------------------------------------------------------------


def test_sqlite_restore_into_an_empty_file_gives_back_every_row(tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    restored_path = tmp_path / "restored.sqlite3"
    restored_url = f"sqlite:///{restored_path}"
    backups = tmp_path / "backups"
    backups.mkdir()
    staff_line, source_json = python(source_url, SQLITE_SOURCE).split("\n", 1)
    staff_pk, source = int(staff_line), json.loads(source_json)
    assert source["tables"]["pledges_pledgetransition"]["rows"] == 1

    out = succeed(source_url, "backup", "--output", str(backups))
    path = backup_file(backups)
    assert path.suffix == ".sqlite3"
    assert str(path) in out
    assert "is the full backup" in out
    assert "holds only the published data" in out
    package = backups / f"{path.stem}-datapackage"
    assert (package / "datapackage.json").is_file()
    assert "Barcelona" in (package / "cities.csv").read_text(encoding="utf-8")
    assert DRAFT_TITLE not in (package / "pledges.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in backups.iterdir()) == [package.name, path.name]  # no leftovers

    restored_output = succeed(restored_url, "restore", str(path))  # no such file yet: empty
    assert_same_database(parse_summary(restored_output), source)

    assert int(python(restored_url, MUTATE)) > staff_pk
    changed = fingerprint_of(restored_url)
    assert differing_tables(changed, source) == {"accounts_user", "networks_city"}

    before = file_sha256(restored_path)
    refused = manage(restored_url, "restore", str(path))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr
    assert "--yes" in refused.stderr
    assert file_sha256(restored_path) == before

    replaced = succeed(restored_url, "restore", str(path), "--yes")
    assert overall_line(replaced).split()[2] == source["sha256"]


# --- both engines, in process -------------------------------------------------------------------


@pytest.mark.django_db
def test_restore_refuses_a_database_that_holds_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_client_tools()
    call_command("backup", output=tmp_path, stdout=io.StringIO())
    path = backup_file(tmp_path)
    before = backup.fingerprint()
    assert before.rows > 0  # migrations write rows (frameworks, permissions, migrations)

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    with pytest.raises(CommandError, match=r"not empty .*pass --yes"):
        call_command("restore", str(path))
    assert backup.fingerprint() == before


@pytest.mark.django_db
def test_restore_asks_at_a_terminal_and_anything_but_yes_cancels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_client_tools()
    call_command("backup", output=tmp_path, stdout=io.StringIO())
    path = backup_file(tmp_path)
    before = backup.fingerprint()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    prompts = []
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "no")
    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        call_command("restore", str(path))
    assert "Type 'yes'" in prompts[0]
    assert backup.fingerprint() == before


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup_for_this_engine(tmp_path: Path) -> None:
    other_engine = tmp_path / "other"
    if connection.vendor == "postgresql":
        other_engine.write_bytes(backup.SQLITE_MAGIC + bytes(100))
        expected = "is a SQLite backup, but the default database is PostgreSQL"
    else:
        other_engine.write_bytes(backup.PG_CUSTOM_MAGIC + bytes(100))
        expected = "is a PostgreSQL dump, but the default database is SQLite"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other_engine), yes=True)

    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a citydiplo backup"):
        call_command("restore", str(notes), yes=True)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.dump"), yes=True)


@pytest.mark.django_db
def test_db_fingerprint_covers_every_table_and_sees_one_changed_value() -> None:
    out = io.StringIO()
    call_command("db_fingerprint", "--json", stdout=out)
    before = json.loads(out.getvalue())
    assert {"django_migrations", "django_session", "auth_permission", "pledges_objective"} <= set(
        before["tables"]
    )
    City.objects.create(name="Fingerprintville", slug="fingerprintville", country="DE")
    after = backup.fingerprint().as_dict()
    assert "networks_city" in differing_tables(before, after)
    text = io.StringIO()
    call_command("db_fingerprint", stdout=text)
    assert overall_line(text.getvalue()).split()[2] == after["sha256"]


def test_canonical_rendering_keeps_different_values_apart_and_equal_instants_together() -> None:
    renderings = [
        json.dumps(backup.canonical(v))
        for v in (None, "", "None", 1, "1", 1.0, Decimal("1"), Decimal("1.0"), True, b"1")
    ]
    assert len(set(renderings)) == len(renderings)
    utc = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)
    berlin = utc.astimezone(ZoneInfo("Europe/Berlin"))
    assert backup.canonical(utc) == backup.canonical(berlin)
    assert backup.canonical({"b": 1, "a": [2]}) == backup.canonical({"a": [2], "b": 1})
