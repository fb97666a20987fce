"""Kinds of file that other apps teach `encaisse import` to read (bank statements...).

The ledger's own kinds (customers, invoices, payments) are in ``fields.Kind``. An app above
this one registers a reader in its AppConfig.ready(); the command and the upload page list it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

from django.utils.functional import Promise

if TYPE_CHECKING:
    from encaisse.accounts.models import User
    from encaisse.imports.services import ImportResult


class StoredOptions(TypedDict, total=False):
    """The options an import run keeps (``ImportRun.options``, JSON): what was asked, for
    the worker that runs an upload and for the run's page."""

    mapping: dict[str, Any]  # fields.Mapping.as_dict() (CSV/XLSX kinds)
    partial: bool
    create_missing: bool
    entity: str  # "" when not given
    rejects_path: str  # "" when not given
    payment_terms_days: int | None
    language: str  # an upload's: the language its rejected rows file is written in


@dataclass(frozen=True)
class ImportOptions:
    """What was asked of an import of a registered kind, whoever asked (the command, the
    upload page): one name for each option, typed."""

    entity: str | None = None  # the legal entity's code; None: the only one, or the file's
    partial: bool = False  # import the good rows, set the others aside
    create_missing: bool = False  # create the legal entity named when there is none
    rejects_path: str | None = None  # where the rows set aside go (with ``partial``)
    payment_terms_days: int | None = None  # for new customers of a FEC or a Factur-X
    import_run_id: int | None = None  # an upload's queued run, to fill in
    on_progress: Callable[[int, int], None] | None = None  # (rows read, rows in all)
    mapping: dict[str, Any] = field(default_factory=dict)  # fields.Mapping.as_dict() (mappable)

    @classmethod
    def of_upload(cls, run_id: int, kept: StoredOptions) -> ImportOptions:
        """The options an upload's run keeps (as JSON), for the reader of its kind."""
        terms = kept.get("payment_terms_days")
        return cls(
            entity=kept.get("entity") or None,
            partial=bool(kept.get("partial")),
            create_missing=bool(kept.get("create_missing")),
            rejects_path=kept.get("rejects_path") or None,
            payment_terms_days=None if terms is None or terms == "" else int(terms),
            import_run_id=run_id,
            mapping=dict(kept.get("mapping") or {}),
        )


class FileReader(Protocol):
    """How a registered kind imports a file; it returns what the import did."""

    def __call__(
        self, *, path: Path, user: User | None, options: ImportOptions
    ) -> ImportResult: ...


@dataclass(frozen=True)
class FileKind:
    name: str
    help: str | Promise  # translated where it is shown
    run: FileReader
    suffixes: tuple[str, ...] = ()
    # A CSV/XLSX kind read with the schema registered under its name (fields.register_schema):
    # the command and the upload page take a column mapping for it.
    mappable: bool = False


_REGISTRY: dict[str, FileKind] = {}


def register_file_kind(kind: FileKind) -> None:
    _REGISTRY[kind.name] = kind


def file_kinds() -> dict[str, FileKind]:
    return dict(_REGISTRY)


def run_file_kind(
    name: str, *, path: Path, options: ImportOptions, user: User | None = None
) -> ImportResult:
    return _REGISTRY[name].run(path=path, user=user, options=options)
