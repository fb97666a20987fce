"""A row of a ledger file as every reader gives it (CSV, XLSX, FEC, bank statements,
Factur-X): its canonical values, the cells they came from, and its problems, each naming
its row, column and value and saying why in a translatable sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from encaisse.core.i18n import Text, from_data, sentence, to_data
from encaisse.imports.values import (
    cell_text,
)

MAX_PROBLEM_VALUE = 60  # characters of a bad value quoted in a message


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or with the file, row 0)."""

    row: int
    column: str
    value: str
    reason: Text

    def __str__(self) -> str:
        value = self.value
        if len(value) > MAX_PROBLEM_VALUE:
            value = value[: MAX_PROBLEM_VALUE - 1] + "…"
        value = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
        return str(
            sentence(
                "row %(row)s, column %(column)s: value '%(value)s': %(reason)s",
                row=str(self.row),
                column=self.column,
                value=value,
                reason=self.reason,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        """As an import run keeps it (JSON): the reason as plain data, translated when read."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": to_data(self.reason),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(
            row=int(data.get("row") or 0),
            column=str(data.get("column") or ""),
            value=str(data.get("value") or ""),
            reason=from_data(data.get("reason")),
        )


@dataclass(slots=True)
class Row:
    """One row of a file: canonical values (None: empty cell), the raw cells, what is wrong."""

    number: int
    values: dict[str, Any]
    cells: list[str]
    problems: list[Problem]
    columns: dict[str, str]  # field -> the file's column header, for messages
    positions: dict[str, int]  # field -> index of its cell

    def sort_problems(self) -> None:
        """Problems in the file's column order, as a reader goes along the row."""
        order = {header: self.positions[name] for name, header in self.columns.items()}
        self.problems.sort(key=lambda problem: order.get(problem.column, len(order)))

    def problem(self, field_name: str, reason: Text, value: object = None) -> None:
        """Add a problem on a field; the value shown is the cell as written in the file."""
        position = self.positions.get(field_name)
        if value is not None:
            shown = value
        elif position is not None and position < len(self.cells):
            shown = self.cells[position]
        else:
            shown = self.values.get(field_name)
        self.problems.append(
            Problem(
                row=self.number,
                column=self.columns.get(field_name, field_name),
                value=cell_text(shown),
                reason=reason,
            )
        )
