"""Kinds of file that other apps teach `encaisse import` to read (bank statements...).

The ledger's own kinds (customers, invoices, payments) are in ``fields.Kind``. An app above
this one registers a reader in its AppConfig.ready(); the command and the upload page list it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from encaisse.accounts.models import User
    from encaisse.imports.services import ImportResult


@dataclass(frozen=True)
class FileKind:
    """``run(path=..., entity=..., partial=..., user=..., options=...)`` returns an ImportResult."""

    name: str
    help: str | Promise  # translated where it is shown
    run: Callable[..., ImportResult]
    suffixes: tuple[str, ...] = ()


_REGISTRY: dict[str, FileKind] = {}


def register_file_kind(kind: FileKind) -> None:
    _REGISTRY[kind.name] = kind


def file_kinds() -> dict[str, FileKind]:
    return dict(_REGISTRY)


def run_file_kind(
    name: str,
    *,
    path: Path,
    entity: str | None = None,
    partial: bool = False,
    user: User | None = None,
    options: dict[str, Any] | None = None,
) -> ImportResult:
    return _REGISTRY[name].run(
        path=path, entity=entity, partial=partial, user=user, options=options or {}
    )
