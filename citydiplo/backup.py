"""Full backups of the database, their restore, and fingerprints that prove a restore complete.

A data package (``datapackage.py``) holds only public records; a backup holds everything: user
accounts, drafts, the moderation history, sessions, API tokens. PostgreSQL is dumped with
``pg_dump --format=custom`` (restored with ``pg_restore``); SQLite is copied with SQLite's online
backup API, which gives a consistent copy even while the server writes. Backup files are created
readable by their owner only, since they hold password hashes.

A fingerprint is a SHA-256 per table over all its rows, in a deterministic order and a canonical
rendering, so a database and its restore give the same fingerprint on the same engine. It is
meant for comparing a database with its own restore, not a SQLite database with a PostgreSQL one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from citydiplo import datapackage
from citydiplo.demo_data import is_demo_database

POSTGRESQL, SQLITE = "postgresql", "sqlite"
SUFFIX = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}
DATAPACKAGE_SUFFIX = "-datapackage"
CHUNK_SIZE = 2000

# The first bytes of each kind of file, to refuse a dump made for the other engine.
PG_CUSTOM_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_PLAIN_MARKER = b"-- PostgreSQL database dump"
ZIP_MAGIC = b"PK\x03\x04"

# Connection options of settings.DATABASES that libpq also reads from the environment.
LIBPQ_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}

# PostgreSQL types whose values sort the same under any collation and are equal only when their
# rendering is: ordered as they are. Any other type is ordered by its text under collation "C".
PG_PLAIN_ORDER_TYPES = {
    16,  # bool
    20,  # int8
    21,  # int2
    23,  # int4
    26,  # oid
    1082,  # date
    1114,  # timestamp
    1184,  # timestamptz
    2950,  # uuid
}

TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (\S+) (\S+) ")


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why, for the command line."""


def default_connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def engine(conn: BaseDatabaseWrapper) -> str:
    if conn.vendor not in SUFFIX:
        raise BackupError(
            f"Backups support PostgreSQL and SQLite; the default database is {conn.vendor}."
        )
    return conn.vendor


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", Path(settings.BASE_DIR) / "var" / "backups"))


def default_backup_path(vendor: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return backup_dir() / f"citydiplo-{stamp}{SUFFIX[vendor]}"


def datapackage_dir_for(backup: Path) -> Path:
    """Where the SQLite backup's public data package goes: beside it, named after it."""
    return backup.with_name(f"{backup.stem}{DATAPACKAGE_SUFFIX}")


@contextmanager
def _partial_file(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target``, renamed to it only when the block succeeds.

    A failed or interrupted backup leaves no file under the final name that looks complete.
    The file is created with mode 0600 (mkstemp) and keeps it.
    """
    if target.exists():
        raise BackupError(f"{target} already exists; choose another --output.")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


# --- PostgreSQL client tools --------------------------------------------------------------------


def pg_client(program: str, conn: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """The command prefix and environment for a PostgreSQL client tool to reach ``conn``.

    The password travels in PGPASSWORD, never on the command line where ``ps`` shows it to every
    user of the machine; ``--no-password`` makes a missing one fail instead of waiting at a prompt.
    """
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} was not found on PATH. Install the PostgreSQL client tools of the "
            "server's major version (Debian: apt-get install postgresql-client)."
        )
    params = conn.settings_dict
    args = [binary, "--no-password"]
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    if not params.get("NAME"):
        raise BackupError("settings.DATABASES['default'] names no database (NAME).")
    args.append(f"--dbname={params['NAME']}")
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    for option, variable in LIBPQ_OPTION_ENV.items():
        if option in (params.get("OPTIONS") or {}):
            env[variable] = str(params["OPTIONS"][option])
    return args, env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (
            result.stderr.strip() or result.stdout.strip() or f"exit status {result.returncode}"
        )
        raise BackupError(f"{what} failed: {detail}")


def archive_tables(path: Path) -> set[str]:
    """Tables in a ``pg_dump --format=custom`` archive (its table of contents)."""
    program = shutil.which("pg_restore")
    if program is None:
        raise BackupError(
            "pg_restore was not found on PATH. Install the PostgreSQL client tools of the "
            "server's major version (Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(
        [program, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive: {result.stderr.strip()}")
    return {m[2] for line in result.stdout.splitlines() if (m := TOC_TABLE.match(line))}


# --- backup -------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    vendor: str
    path: Path
    size: int
    rows: dict[str, int]
    datapackage: Path | None = None
    datapackage_skipped: str = ""


def backup(target: Path | None = None, conn: BaseDatabaseWrapper | None = None) -> BackupResult:
    """Back up the whole database to ``target`` (default: a dated file in var/backups)."""
    conn = conn or default_connection()
    vendor = engine(conn)
    target = Path(target) if target else default_backup_path(vendor)
    if target.is_dir():
        target = target / default_backup_path(vendor).name
    if vendor == POSTGRESQL:
        rows = _backup_postgresql(target, conn)
        return BackupResult(vendor, target, target.stat().st_size, rows)
    return _backup_sqlite(target, conn)


def _backup_postgresql(target: Path, conn: BaseDatabaseWrapper) -> dict[str, int]:
    """pg_dump, and row counts of the very snapshot it dumps.

    Outside any transaction the counts and pg_dump share one exported snapshot, so the counts
    printed are exactly what the file holds; inside one (tests) pg_dump sees committed rows only.
    """
    args, env = pg_client("pg_dump", conn)
    args += ["--format=custom", "--no-owner", "--no-privileges"]
    outermost = not conn.in_atomic_block
    with _partial_file(target) as partial, transaction.atomic(using=conn.alias):
        if outermost:
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                args.append(f"--snapshot={cursor.fetchone()[0]}")
        _run([*args, f"--file={partial}"], env, "pg_dump")
        return table_counts(conn)


def _backup_sqlite(target: Path, conn: BaseDatabaseWrapper) -> BackupResult:
    """The online backup API, then the public data package from the same read transaction."""
    package_dir = datapackage_dir_for(target)
    if package_dir.exists():
        raise BackupError(f"{package_dir} already exists; choose another --output.")
    result = BackupResult(SQLITE, target, 0, {})
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:  # the read lock that makes file and package agree
            cursor.execute("SELECT count(*) FROM sqlite_master")
        with _partial_file(target) as partial:
            with closing(sqlite3.connect(partial)) as copy:
                conn.connection.backup(copy)
            result.rows = sqlite_file_counts(partial)
        result.size = target.stat().st_size
        if is_demo_database():
            result.datapackage_skipped = "the database holds generated demo data"
        else:
            result.datapackage = _export_beside(package_dir)
    return result


def _export_beside(package_dir: Path) -> Path:
    """The public data package, written under a temporary name and renamed when complete."""
    partial = Path(tempfile.mkdtemp(dir=package_dir.parent, prefix=f".{package_dir.name}."))
    try:
        datapackage.export_package(partial)
        partial.chmod(0o755)
        partial.rename(package_dir)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return package_dir


def table_counts(conn: BaseDatabaseWrapper) -> dict[str, int]:
    qn = conn.ops.quote_name
    with conn.cursor() as cursor:
        counts = {}
        for name in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {qn(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _sqlite_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def sqlite_file_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file, listed as Django's introspection lists them."""
    with closing(sqlite3.connect(_sqlite_uri(path), uri=True)) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name != 'sqlite_sequence' ORDER BY name"
            )
        ]
        return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


# --- restore ------------------------------------------------------------------------------------


def file_kind(path: Path) -> str:
    """What a backup file is, from its first bytes: postgresql, sqlite, or a description."""
    if path.is_dir():
        if (path / datapackage.DESCRIPTOR).is_file():
            return "a data package (load it with import_datapackage)"
        return "a directory"
    with path.open("rb") as fh:
        head = fh.read(256)
    if head.startswith(PG_CUSTOM_MAGIC):
        return POSTGRESQL
    if head.startswith(SQLITE_MAGIC):
        return SQLITE
    if PG_PLAIN_MARKER in head:
        return "a plain-SQL pg_dump (load it with psql)"
    if head.startswith(ZIP_MAGIC):
        return "a zip file (a published data package? unpack it and use import_datapackage)"
    return "not a citydiplo backup"


def check_backup(path: Path, conn: BaseDatabaseWrapper) -> set[str]:
    """Refuse a file that is missing, damaged or made for the other engine; its tables."""
    vendor = engine(conn)
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    kind = file_kind(path)
    if kind != vendor:
        label = {POSTGRESQL: "a PostgreSQL dump", SQLITE: "a SQLite backup"}
        raise BackupError(
            f"{path} is {label.get(kind, kind)}, but the default database is "
            f"{'PostgreSQL' if vendor == POSTGRESQL else 'SQLite'}: restore a "
            f"{SUFFIX[vendor]} backup made from a {vendor} database."
        )
    if vendor == POSTGRESQL:
        return archive_tables(path)
    try:
        with closing(sqlite3.connect(_sqlite_uri(path), uri=True)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as SQLite: {exc}") from None
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is a SQLite file but no citydiplo database.")
    return tables


def occupied_tables(conn: BaseDatabaseWrapper) -> list[str]:
    """Tables of the database that hold at least one row (a fresh ``migrate`` leaves some)."""
    qn = conn.ops.quote_name
    with conn.cursor() as cursor:
        occupied = []
        for name in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT 1 FROM {qn(name)} LIMIT 1")
            if cursor.fetchone() is not None:
                occupied.append(name)
    return occupied


def restore(
    path: Path, conn: BaseDatabaseWrapper | None = None, *, tables: set[str] | None = None
) -> list[str]:
    """Replace the database's contents by the backup's, all or nothing; returns warnings.

    PostgreSQL: ``pg_restore --clean --if-exists --single-transaction`` drops and recreates
    what the archive holds (sequences included, so new rows do not collide); tables the archive
    does not know are left alone and named in the warnings. SQLite: the backup API copies the
    file over the database as a whole. The caller decides whether replacing is wanted.
    ``tables`` is what ``check_backup`` returned, when the caller has checked the file already.
    """
    conn = conn or default_connection()
    if tables is None:
        tables = check_backup(path, conn)
    if engine(conn) == POSTGRESQL:
        conn.close()  # nothing of ours holds a lock while pg_restore drops tables
        args, env = pg_client("pg_restore", conn)
        args += ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run([*args, str(path)], env, "pg_restore")
    else:
        conn.ensure_connection()
        with closing(sqlite3.connect(_sqlite_uri(path), uri=True)) as source:
            source.backup(conn.connection)
    conn.close()
    warnings = []
    if engine(conn) == POSTGRESQL:
        with conn.cursor() as cursor:
            extra = sorted(set(conn.introspection.table_names(cursor)) - tables)
        if extra:
            warnings.append(
                "Tables not in the backup were left as they were: " + ", ".join(extra) + "."
            )
    pending = unapplied_migrations(conn)
    if pending:
        warnings.append(
            f"The backup predates {len(pending)} migration(s) of this code "
            f"({', '.join(pending[:3])}{'…' if len(pending) > 3 else ''}): "
            "run manage.py migrate."
        )
    return warnings


def unapplied_migrations(conn: BaseDatabaseWrapper) -> list[str]:
    executor = MigrationExecutor(conn)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


# --- fingerprints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableFingerprint:
    table: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Fingerprint:
    """Row count and hash of every table; sequence positions are no rows and are not in it."""

    vendor: str
    tables: tuple[TableFingerprint, ...]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for t in self.tables:
            digest.update(f"{t.table}\t{t.rows}\t{t.sha256}\n".encode())
        return digest.hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.vendor,
            "sha256": self.sha256,
            "rows": self.rows,
            "tables": {t.table: {"rows": t.rows, "sha256": t.sha256} for t in self.tables},
        }

    def lines(self) -> list[str]:
        width = max((len(t.table) for t in self.tables), default=5)
        lines = [f"{t.table:<{width}} {t.rows:>9} {t.sha256}" for t in self.tables]
        lines.append(f"{'overall':<{width}} {self.rows:>9} {self.sha256}")
        return lines


def canonical(value: object) -> object:
    """A JSON value that is the same for the same stored value on every read.

    JSON's own types stay as they are; any other type is tagged, so the string "1.5" and the
    number 1.5, or "" and NULL, never render alike.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date | dt.time):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, UUID):
        return {"uuid": str(value)}
    if isinstance(value, list | tuple):
        return {"list": [canonical(v) for v in value]}
    if isinstance(value, dict):
        return {"object": {str(k): canonical(v) for k, v in sorted(value.items())}}
    return {type(value).__name__: str(value)}


@contextmanager
def _one_snapshot(conn: BaseDatabaseWrapper) -> Iterator[None]:
    """All tables read at one moment (REPEATABLE READ on PostgreSQL, one read lock on SQLite)."""
    outermost = not conn.in_atomic_block
    with transaction.atomic(using=conn.alias):
        if outermost and conn.vendor == POSTGRESQL:
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


@dataclass(frozen=True)
class Column:
    name: str
    type: str | int  # the declared type on SQLite, the type's oid on PostgreSQL
    key: int  # position in the primary key from 1; 0 outside it


def table_columns(conn: BaseDatabaseWrapper, table: str) -> list[Column]:
    """Columns in table order, read from the catalogue (Django's introspection of SQLite cannot
    parse every CREATE TABLE it meets)."""
    qn = conn.ops.quote_name
    with conn.cursor() as cursor:
        if conn.vendor == SQLITE:
            cursor.execute(f"PRAGMA table_info({qn(table)})")
            return [Column(name, decl, pk) for _cid, name, decl, _nn, _dflt, pk in cursor]
        cursor.execute(
            """
            SELECT a.attname, a.atttypid::int,
                   coalesce(array_position(i.indkey::int2[], a.attnum), 0)
            FROM pg_attribute a
            LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """,
            [qn(table)],
        )
        return [Column(*row) for row in cursor.fetchall()]


def _order_by(conn: BaseDatabaseWrapper, columns: list[Column]) -> str:
    """An ORDER BY that gives the same order in a database and its restore.

    By primary key, or by all columns for a table without one. Text is compared byte by byte
    (collation "C" / BINARY), since a restore may land in a database of another collation.
    """
    qn = conn.ops.quote_name
    keys = sorted((c for c in columns if c.key), key=lambda c: c.key) or columns
    terms = []
    for column in keys:
        if conn.vendor == SQLITE:
            terms.append(f"{qn(column.name)} COLLATE BINARY")
        elif column.type in PG_PLAIN_ORDER_TYPES:
            terms.append(qn(column.name))
        else:
            terms.append(f'{qn(column.name)}::text COLLATE "C"')
    return ", ".join(terms)


def table_fingerprint(conn: BaseDatabaseWrapper, table: str) -> TableFingerprint:
    qn = conn.ops.quote_name
    columns = table_columns(conn, table)
    names = [c.name for c in columns]
    # On SQLite "+column" reads the value as stored: a bare column would go through Django's
    # converters for its declared type, which map text they cannot parse to None.
    prefix = "+" if conn.vendor == SQLITE else ""
    select = ", ".join(prefix + qn(n) for n in names)
    digest = hashlib.sha256()
    digest.update(json.dumps(names).encode() + b"\n")
    n = 0
    cursor = conn.chunked_cursor()
    try:
        cursor.execute(f"SELECT {select} FROM {qn(table)} ORDER BY {_order_by(conn, columns)}")
        while batch := cursor.fetchmany(CHUNK_SIZE):
            for row in batch:
                line = json.dumps([canonical(v) for v in row], ensure_ascii=False)
                digest.update(line.encode() + b"\n")
                n += 1
    finally:
        cursor.close()
    return TableFingerprint(table, n, digest.hexdigest())


def fingerprint(conn: BaseDatabaseWrapper | None = None) -> Fingerprint:
    """Every table of the database (Django's, sessions and migrations included), one snapshot."""
    conn = conn or default_connection()
    vendor = engine(conn)
    with _one_snapshot(conn):
        with conn.cursor() as cursor:
            tables = sorted(conn.introspection.table_names(cursor))
        return Fingerprint(vendor, tuple(table_fingerprint(conn, t) for t in tables))
