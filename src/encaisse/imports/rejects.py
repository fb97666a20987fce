"""The rejected rows of an import, set aside in a file as the user's file had them, plus the
row number and the reason, to fix and import again."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from django.utils.translation import pgettext

from encaisse.core.errors import BadInput
from encaisse.core.i18n import sentence
from encaisse.core.spreadsheets import safe_cell
from encaisse.imports.parsers import Table
from encaisse.imports.rows import Problem, Row


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


def open_rejects_file(path: Path, *, encoding: str) -> IO[str]:
    """The rejected rows file, opened for writing, or BadInput saying why it cannot be."""
    try:
        return path.open("w", encoding=encoding, errors="replace", newline="")
    except OSError as error:
        raise BadInput(
            sentence(
                "--rejects: cannot write %(path)s: %(error)s",
                path=str(path),
                error=str(error.strerror),
            )
        ) from None


def rejects_columns() -> list[str]:
    """The two columns a rejected rows file adds to the file's own, in the active language."""
    return [pgettext("rejected rows file", "row"), pgettext("rejected rows file", "reason")]


def rejected_reason(problems: Sequence[Problem]) -> str:
    """The reason column of a rejected row, in the active language."""
    return "; ".join(
        str(sentence("%(column)s: %(reason)s", column=p.column, reason=p.reason)) for p in problems
    )


class RejectsWriter:
    """The rejected rows, as the file had them, plus the row number and the reason: fix the
    cells, delete the two last columns (or not: unknown columns are ignored), import again."""

    def __init__(self, table: Table, source: Path, wanted: str) -> None:
        self.path = Path(wanted) if wanted else default_rejects_path(source)
        self.table = table
        self.handle: IO[str] | None = None
        self.count = 0

    def write(self, row: Row) -> None:
        if self.handle is None:
            self._open()
        assert self.handle is not None  # noqa: S101 (narrows the type)
        reason = rejected_reason(row.problems)
        cells = row.cells[: len(self.table.header)]
        cells += [""] * (len(self.table.header) - len(cells))
        self.writer.writerow([*(safe_cell(cell) for cell in cells), row.number, reason])
        self.count += 1

    def _open(self) -> None:
        encoding = "utf-8-sig"
        if self.table.detected.get("encoding") == "Windows-1252":
            encoding = "cp1252"
        separator = {"tab": "\t", "comma": ",", "semicolon": ";", "|": "|"}.get(
            self.table.detected.get("separator", ""), ";"
        )
        self.handle = open_rejects_file(self.path, encoding=encoding)
        self.writer = csv.writer(self.handle, delimiter=separator)
        self.writer.writerow([*self.table.header, *rejects_columns()])

    def close(self) -> str:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        return str(self.path) if self.count else ""
