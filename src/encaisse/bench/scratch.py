"""The scratch database of a benchmark: made for it, dropped after it, never the user's.

SQLite: a new file in a new temporary folder (under the folder of ``--database sqlite:///...``
when given). PostgreSQL: a new database ``encaisse_bench_<pid>`` on the server of
``--database``, created and dropped through the server's ``postgres`` maintenance database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

import dj_database_url
import psycopg
from psycopg import sql

from encaisse.core.errors import BadInput

PREFIX = "encaisse_bench_"
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})
MAINTENANCE_DATABASE = "postgres"
CONNECT_TIMEOUT_SECONDS = 10
_STATEMENTS = {
    "create": sql.SQL("CREATE DATABASE {}"),
    # FORCE ends the connections a killed benchmark may have left behind.
    "drop": sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)"),
}


class ScratchError(Exception):
    """The scratch database could not be made or dropped (server unreachable, no right)."""


@dataclass(frozen=True)
class Target:
    """Where to make the scratch database: a PostgreSQL server or a folder for SQLite."""

    vendor: str  # "postgresql" or "sqlite"
    server: SplitResult | None = None
    folder: Path | None = None

    @property
    def where(self) -> str:
        """The server or folder, without credentials, for messages."""
        if self.server is not None:
            return _server_label(self.server)
        return str(self.folder or tempfile.gettempdir())


def parse_target(url: str | None) -> Target:
    """The target of ``--database`` (None: SQLite in a temporary folder); BadInput if unknown."""
    if not url:
        return Target(vendor="sqlite")
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  # raises ValueError on a port that is not a number
    except ValueError:
        raise BadInput("--database: not a database URL") from None
    if parts.scheme in POSTGRES_SCHEMES:
        return Target(vendor="postgresql", server=parts)
    if parts.scheme == "sqlite":
        name = str(dj_database_url.parse(url.strip())["NAME"])
        if name in {"", ":memory:"}:
            return Target(vendor="sqlite")
        folder = Path(name).resolve().parent
        if not folder.is_dir():
            raise BadInput(f"--database: the folder {folder} does not exist")
        return Target(vendor="sqlite", folder=folder)
    raise BadInput(
        f"--database: {parts.scheme or 'this'}:// is neither PostgreSQL nor SQLite "
        "(postgres://USER@HOST:5432/NAME or sqlite:///PATH)"
    )


def is_scratch(settings_dict: dict[str, object]) -> bool:
    """Whether a connection's settings name a scratch database (a guard before loading)."""
    return Path(str(settings_dict.get("NAME") or "")).name.startswith(PREFIX)


@contextmanager
def scratch_database(target: Target, *, keep: bool = False) -> Iterator[str]:
    """Make a scratch database, yield its DATABASE_URL, drop it afterwards unless ``keep``."""
    name = f"{PREFIX}{os.getpid()}"
    if target.server is None:
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=target.folder))
        try:
            yield f"sqlite:///{folder / f'{name}.sqlite3'}"
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
        return
    server = target.server
    _maintenance(server, "create", name)
    try:
        yield urlunsplit(server._replace(path=f"/{name}"))
    finally:
        if not keep:
            _maintenance(server, "drop", name)


def _server_label(server: SplitResult) -> str:
    return f"{server.hostname or 'localhost'}:{server.port or 5432}"


def _maintenance(server: SplitResult, action: str, name: str) -> None:
    """Create or drop a database from the server's maintenance database."""
    conninfo = urlunsplit(server._replace(scheme="postgresql", path=f"/{MAINTENANCE_DATABASE}"))
    try:
        with psycopg.connect(
            conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
        ) as maintenance:
            maintenance.execute(_STATEMENTS[action].format(sql.Identifier(name)))
    except psycopg.Error as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ScratchError(
            f"cannot {action} database {name} on {_server_label(server)}: {first_line}"
        ) from None
