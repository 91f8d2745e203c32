"""The PostgreSQL databases the bench makes beside DATABASE_URL's: a throwaway copy to place orders in,
and a large generated catalog for search, kept between runs since it takes minutes to generate."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What the generated catalog is made from: when any of these changes, a kept catalog is generated again.
GENERATED_FROM = ["bench/generate_catalog.py", "catalog/search.py", "catalog/models", "catalog/migrations",
                  "catalog/services", "demo"]


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def with_database(url: str, name: str) -> str:
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def _admin(url: str):
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def copy_database(url: str, name: str) -> str:
    """A copy of url's database (no session may be connected to it) named `name`; returns its URL."""
    drop_database(url, name)
    with _admin(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{database_name(url)}"')
    return with_database(url, name)


def create_database_if_missing(url: str) -> bool:
    """Create url's database when PostgreSQL has none of that name; True when it did."""
    name = database_name(url)
    with _admin(url) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        admin.execute(f'CREATE DATABASE "{name}"')
    return True


def drop_database(url: str, name: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pack_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM catalog_pack").fetchone()[0]


def generator_fingerprint() -> str:
    """A short hash of everything a generated catalog depends on (the generator, the search documents,
    the catalog's models, migrations and services, the demo catalog it is added to)."""
    digest = hashlib.sha256()
    for entry in GENERATED_FROM:
        path = ROOT / entry
        files = sorted(file for file in path.rglob("*") if file.is_file() and "__pycache__" not in file.parts)
        for file in files if path.is_dir() else [path]:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _kept_fingerprint(url: str, name: str) -> str | None:
    with _admin(url) as admin:
        row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                            [name]).fetchone()
    return row[0] if row else None


def large_catalog(url: str, environment: dict[str, str], *, packs: int) -> tuple[str, str]:
    """The URL of `<database>_packs<N>`: url's database (migrated, with the demo catalog) plus
    bench/generate_catalog.py --packs N. It is reused while its comment holds the generator's fingerprint,
    and made again otherwise; either way it is migrated. Returns (URL, what was done)."""
    name = f"{database_name(url)}_packs{packs}"
    fingerprint = f"bench catalog {packs} {generator_fingerprint()}"
    large_url = with_database(url, name)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if _kept_fingerprint(url, name) == fingerprint:
        subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT,
                       env={**environment, "DATABASE_URL": large_url}, check=True)
        return large_url, "reused"
    copy_database(url, name)
    generated = subprocess.run([sys.executable, str(ROOT / "bench" / "generate_catalog.py"), "--packs", str(packs),
                                "--no-progress"], cwd=ROOT, env={**environment, "DATABASE_URL": large_url},
                               capture_output=True, text=True)
    if generated.returncode:
        drop_database(url, name)
        raise SystemExit(f"generate_catalog failed: {generated.stderr[-2000:]}")
    with _admin(url) as admin:  # written last: a catalog whose generation broke off is never reused
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{fingerprint}'")
    return large_url, f"generated: {generated.stdout.strip()}"
