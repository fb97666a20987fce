"""Helpers of the import tests: files as finance receives them, and the import call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from encaisse.imports.services import ImportResult, import_file

FRENCH_INVOICES = (
    "N° facture;Code client;Date facture;Échéance;Montant TTC\r\n"
    "FA-2026-001;REMI-1;15/01/2026;14/02/2026;1\u00a0234,56 €\r\n"
    "FA-2026-002;REMI-2;20/01/2026;19/03/2026;980,00 €\r\n"
    "AV-2026-001;REMI-1;25/01/2026;25/01/2026;-120,00 €\r\n"
)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """write_file(name, text, encoding='utf-8') -> the path of a file with that text."""

    def write(name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    return write


@pytest.fixture
def french_invoices(write_file: Callable[..., Path]) -> Path:
    """Invoices as French Excel saves a CSV: Windows-1252, ';', decimal commas, '1 234,56 €'."""
    return write_file("factures.csv", FRENCH_INVOICES, "cp1252")


def run(kind: str, path: Path, **options: object) -> ImportResult:
    return import_file(kind=kind, path=path, **options)  # type: ignore[arg-type]
